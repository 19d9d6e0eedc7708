{% macro self_heal_state_relation() %}
  {%- set settings = dbt_self_heal.self_heal_settings() -%}
  {{ return(api.Relation.create(database=target.get('database'), schema=settings.state_schema,
                                identifier=settings.state_table, type='table')) }}
{% endmacro %}
