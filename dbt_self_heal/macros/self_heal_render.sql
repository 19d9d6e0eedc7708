{#- Render a node's SQL from the hook. The hook node has no dependencies of its own, so dbt's `ref`, `source`
    and `this` cannot resolve there; they are swapped in the live render context for graph lookups. -#}
{% macro self_heal_render(node) %}
  {%- set saved = {'ref': context['ref'], 'source': context['source'], 'this': context['this']} -%}
  {%- do context.update({'ref': self_heal_ref, 'source': self_heal_source, 'this': self_heal_relation(node)}) -%}
  {%- set sql = render(node.raw_code) -%}
  {%- do context.update(saved) -%}
  {{ return(sql) }}
{% endmacro %}

{% macro self_heal_ref(first, second=none, version=none, v=none) %}
  {%- set name = second if second else first -%}
  {%- set package = first if second else none -%}
  {%- set wanted_version = version if version is not none else v -%}
  {%- for node in graph.nodes.values()
        if node.resource_type in ['model', 'seed', 'snapshot'] and node.name == name
           and (package is none or node.package_name == package)
           and (wanted_version is none or (node.version | string) == (wanted_version | string)) -%}
    {%- if node.config.materialized == 'ephemeral' -%}
      {#- An ephemeral parent is inlined as a subquery, which is what its CTE amounts to. -#}
      {%- set saved_this = context['this'] -%}
      {%- set inlined = '(' ~ self_heal_render(node) ~ ')' -%}
      {%- do context.update({'this': saved_this}) -%}
      {{ return(inlined) }}
    {%- endif -%}
    {{ return(self_heal_relation(node)) }}
  {%- endfor -%}
  {{ exceptions.raise_compiler_error("self_heal: ref('" ~ name ~ "') matches no model, seed or snapshot") }}
{% endmacro %}

{% macro self_heal_source(source_name, table_name) %}
  {%- for source in graph.sources.values() if source.source_name == source_name and source.name == table_name -%}
    {{ return(source.relation_name or api.Relation.create(database=source.database, schema=source.schema,
                                                        identifier=source.identifier)) }}
  {%- endfor -%}
  {{ exceptions.raise_compiler_error("self_heal: source('" ~ source_name ~ "', '" ~ table_name ~ "') is not defined") }}
{% endmacro %}
