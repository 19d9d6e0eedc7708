{#- Seam: the running dbt-core's minor version as one number (1.8.10 -> 1008, 1.12.6 -> 1012), from the context's
    `dbt_version` (a plain string in every version checked: 1.8.10, 1.9.11, 1.10.23, 1.11.16, 1.12.6). -#}
{% macro self_heal_dbt_minor() %}
  {%- set parts = dbt_version.split('.') -%}
  {{ return((parts[0] | int) * 1000 + (parts[1] | int)) }}
{% endmacro %}
