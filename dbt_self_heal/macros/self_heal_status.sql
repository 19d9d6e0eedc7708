{#- `dbt run-operation dbt_self_heal.self_heal_status`: what a run needing the required nodes would build now -
    missing, stale (with reasons), of the wrong kind, without a record - without building anything.
    Prints one `self_heal {"event": "status", ...}` line (selfheal status reads it). -#}
{% macro self_heal_status() %}
  {%- if not execute -%}{{ return('') }}{%- endif -%}
  {%- set settings = dbt_self_heal.self_heal_settings() -%}
  {%- set needs = dbt_self_heal.self_heal_needed_nodes([]) -%}
  {%- set check = dbt_self_heal.self_heal_check(needs.needed, needs.file_readers) -%}
  {%- set stale = dbt_self_heal.self_heal_stale_list(check, dbt_self_heal.self_heal_rebuild_set(check, settings).rebuild) -%}
  {%- do dbt_self_heal.self_heal_emit({'event': 'status', 'needed': dbt_self_heal.self_heal_names(needs.needed),
        'missing': dbt_self_heal.self_heal_names(check.missing), 'stale': stale,
        'unrecorded': dbt_self_heal.self_heal_names(check.unrecorded)},
      (check.missing | length) ~ " missing and " ~ (stale | length) ~ " stale of " ~ needs.needed | length
      ~ " required relations" ~ (": " ~ (stale | map(attribute='relation') | join(', ')) if stale else "")) -%}
{% endmacro %}
