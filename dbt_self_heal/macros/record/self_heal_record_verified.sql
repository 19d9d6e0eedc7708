{#- Relations checked fresh under this project digest: the next run with the same digest skips fingerprinting them. -#}
{% macro self_heal_record_verified(keys, digest) %}
  {%- if not keys -%}{{ return(none) }}{%- endif -%}
  {%- set quoted = [] -%}
  {%- for key in keys -%}{%- do quoted.append(dbt_self_heal.self_heal_sql_string(key)) -%}{%- endfor -%}
  {%- do run_query("update " ~ dbt_self_heal.self_heal_record_relation() ~ " set verified_digest = "
      ~ dbt_self_heal.self_heal_sql_string(digest) ~ " where relation in (" ~ quoted | join(', ') ~ ")") -%}
{% endmacro %}
