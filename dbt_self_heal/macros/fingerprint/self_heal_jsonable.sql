{#- A var's value as JSON can hold it: YAML gives dates and timestamps (`start: 2025-01-01`), which become their ISO
    text; everything JSON knows is returned as it is, so fingerprints of ordinary values never change. -#}
{% macro self_heal_jsonable(value) %}
  {%- if value is none or value is string or value is number or value is boolean -%}{{ return(value) }}
  {%- elif value is mapping -%}
    {%- set out = {} -%}
    {%- for key, item in value.items() -%}{%- do out.update({key | string: dbt_self_heal.self_heal_jsonable(item)}) -%}{%- endfor -%}
    {{ return(out) }}
  {%- elif value is iterable -%}
    {%- set out = [] -%}
    {%- for item in value -%}{%- do out.append(dbt_self_heal.self_heal_jsonable(item)) -%}{%- endfor -%}
    {{ return(out) }}
  {%- endif -%}
  {{ return(value.isoformat() if value.isoformat is defined else value | string) }}
{% endmacro %}
