{#- The key of a relation in the records and the catalog query: `schema.identifier` in the target's own database
    (so a copied or renamed database file keeps its records), `database.schema.identifier` in an attached one. -#}
{% macro self_heal_relation_key(database, schema, identifier) %}
  {%- set prefix = '' if (database or target.database) | lower == target.database | lower else database ~ '.' -%}
  {{ return((prefix ~ schema ~ '.' ~ identifier) | lower) }}
{% endmacro %}
