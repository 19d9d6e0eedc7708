{% macro self_heal_sql_string(text) %}
  {{ return("'" ~ (text | string | replace("'", "''")) ~ "'") }}
{% endmacro %}
