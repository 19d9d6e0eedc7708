{#- The message of every default__ variant: the adapters this package supports, and how to run without it. -#}
{% macro self_heal_unsupported_adapter() %}
  {{ return("dbt_self_heal supports dbt-duckdb and dbt-postgres only (adapter '" ~ adapter.type()
      ~ "'); set var self_heal_enabled: false to run without it.") }}
{% endmacro %}
