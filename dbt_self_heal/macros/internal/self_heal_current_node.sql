{% macro self_heal_current_node() %}
  {{ return(dbt_self_heal.self_heal_engine().stack[-1].node) }}
{% endmacro %}
