{#- ref() as the node's own resolver answers it; an ephemeral parent becomes a CTE the compiler injects. -#}
{% macro self_heal_node_ref(first, second=none, version=none, v=none) %}
  {%- set engine = context['self_heal__engine_state'] -%}
  {%- set frame = engine.stack[-1] -%}
  {%- set name = second if second is not none else first -%}
  {%- set package = first if second is not none else none -%}
  {%- set wanted = version if version is not none else v -%}
  {%- set target = engine.manifest.resolve_ref(frame.node, name, package, wanted, engine.config.project_name,
                                               frame.node.package_name) -%}
  {%- if target is none or target.unique_id is not defined -%}
    {{ exceptions.raise_compiler_error("Model '" ~ frame.node.unique_id ~ "' depends on a node named '" ~ name
        ~ "'" ~ (" with version '" ~ wanted ~ "'" if wanted is not none else "") ~ " which "
        ~ ("is disabled" if target is not none else "was not found")) }}
  {%- endif -%}
  {%- if target.is_ephemeral_model -%}
    {%- if target.unique_id not in frame.ctes -%}{%- do frame.ctes.append(target.unique_id) -%}{%- endif -%}
    {{ return(api.Relation.create_ephemeral_from(target, limit=engine.resolver.resolve_limit)) }}
  {%- endif -%}
  {{ return(engine.resolver.create_relation(target)) }}
{% endmacro %}
