{% macro self_heal_truthy(value) %}
  {{ return(value | string | trim | lower not in ['false', '0', 'no', 'off', 'none', '']) }}
{% endmacro %}
