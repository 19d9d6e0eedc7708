{#- The recorded plans (self_heal_record_plan): what healthy runs needed, beside the fingerprint record. -#}
{% macro self_heal_plan_relation() %}
  {%- set settings = dbt_self_heal.self_heal_settings() -%}
  {{ return(api.Relation.create(database=target.get('database'), schema=settings.state_schema,
                                identifier=settings.plan_table, type='table')) }}
{% endmacro %}
