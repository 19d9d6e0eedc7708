{#- The fingerprint record: one row per relation the heal or dbt built, beside the state table. -#}
{% macro self_heal_record_relation() %}
  {%- set settings = dbt_self_heal.self_heal_settings() -%}
  {{ return(api.Relation.create(database=target.get('database'), schema=settings.state_schema,
                                identifier=settings.record_table, type='table')) }}
{% endmacro %}
