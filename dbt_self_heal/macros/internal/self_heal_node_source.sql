{#- source() as dbt resolves it for the node's package; source quoting ignores project-level quoting (dbt docs). -#}
{% macro self_heal_node_source(source_name, table_name) %}
  {%- set engine = context['self_heal__engine_state'] -%}
  {%- set node = engine.stack[-1].node -%}
  {%- set target = engine.manifest.resolve_source(source_name, table_name, engine.config.project_name,
                                                  node.package_name) -%}
  {%- if target is none or target.unique_id is not defined -%}
    {{ exceptions.raise_compiler_error("Model '" ~ node.unique_id ~ "' depends on a source named '" ~ source_name
        ~ "." ~ table_name ~ "' which was not found") }}
  {%- endif -%}
  {{ return(api.Relation.create_from(namespace(quoting={}), target, limit=engine.resolver.resolve_limit)) }}
{% endmacro %}
