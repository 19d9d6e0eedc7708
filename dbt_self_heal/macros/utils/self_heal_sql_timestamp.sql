{% macro self_heal_sql_timestamp(iso_timestamp) %}
  {%- if iso_timestamp is none -%}{{ return('null') }}{%- endif -%}
  {{ return("cast(" ~ dbt_self_heal.self_heal_sql_string(iso_timestamp[:23]) ~ " as timestamp)") }}
{% endmacro %}
