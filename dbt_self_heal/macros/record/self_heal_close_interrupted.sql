{#- Attempts left in_progress by a process that died: mark them failed and say so. -#}
{% macro self_heal_close_interrupted() %}
  {%- set relation = dbt_self_heal.self_heal_state_relation() -%}
  {%- set rows = run_query("select invocation_id, cast(started_at as varchar), dbt_command from " ~ relation
                           ~ " where state = 'in_progress' and invocation_id <> " ~ dbt_self_heal.self_heal_sql_string(invocation_id)
                           ~ " order by started_at").rows -%}
  {%- for row in rows -%}
    {%- do run_query("update " ~ relation ~ " set state = 'failed', completed_at = " ~ dbt_self_heal.self_heal_sql_timestamp(dbt_self_heal.self_heal_now())
        ~ ", error = 'interrupted: the process stopped before initialization finished; its transaction was rolled back'"
        ~ " where invocation_id = " ~ dbt_self_heal.self_heal_sql_string(row[0])) -%}
    {%- do dbt_self_heal.self_heal_emit({'event': 'previous_interrupted', 'previous_invocation_id': row[0], 'previous_started_at': row[1]},
        "the previous initialization (dbt " ~ row[2] ~ ", started " ~ row[1] ~ " UTC, invocation " ~ row[0]
        ~ ") was interrupted; nothing it built was kept. Retrying from a clean state.") -%}
  {%- endfor -%}
  {{ return(rows | length) }}
{% endmacro %}
