{#- The relation a graph node materializes to, and the lower-case key the catalog query compares. -#}
{% macro self_heal_relation(node) %}
  {%- set kind = 'view' if node.config.materialized == 'view' else 'table' -%}
  {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias, type=kind)) }}
{% endmacro %}
