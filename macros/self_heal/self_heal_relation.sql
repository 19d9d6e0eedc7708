{#- The relation a graph node materializes to, and the lower-case key the catalog query compares. -#}
{% macro self_heal_relation(node) %}
  {%- set kind = 'view' if node.config.materialized == 'view' else 'table' -%}
  {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias, type=kind)) }}
{% endmacro %}

{% macro self_heal_relation_key(database, schema, identifier) %}
  {{ return((database ~ '.' ~ schema ~ '.' ~ identifier) | lower) }}
{% endmacro %}

{% macro self_heal_state_relation() %}
  {%- set settings = self_heal_settings() -%}
  {{ return(api.Relation.create(database=target.database, schema=settings.state_schema,
                                identifier=settings.state_table, type='table')) }}
{% endmacro %}
