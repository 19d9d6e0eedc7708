{% macro self_heal_record_failure(run) %}
  {%- do run.update({'state': 'failed'}) -%}
  {%- set step = run.step -%}
  {%- set error = run.get('error') or ("the database rejected the SQL of step '" ~ step
      ~ "' (its error is printed by dbt as 'dbt_self_heal.on-run-start.N failed, error: ...').") -%}
  {%- if run.steps and run.steps[-1].status == 'started' -%}
    {%- set last = run.steps.pop() -%}
    {%- set failed_step = dbt_self_heal.self_heal_step_event(last.step, 'failed', last.started_at, last.relations, error) -%}
    {%- do run.steps.append(failed_step) -%}
    {%- do dbt_self_heal.self_heal_emit(failed_step) -%}
  {%- endif -%}
  {%- set remediation = dbt_self_heal.self_heal_remediation(step, error) -%}
  {%- set now = dbt_self_heal.self_heal_now() -%}
  {#- A heal that failed while building on a new database took its state table with it (the transaction was rolled
      back); dbt 1.8 still runs this hook then (PostgreSQL would fail the update). -#}
  {%- set state = dbt_self_heal.self_heal_state_relation() -%}
  {%- if dbt_self_heal.self_heal_inspect([dbt_self_heal.self_heal_relation_key(state.database, state.schema, state.identifier)]).relations -%}
    {%- do run_query("update " ~ state ~ " set state = 'failed', completed_at = "
        ~ dbt_self_heal.self_heal_sql_timestamp(now) ~ ", duration_seconds = extract(epoch from " ~ dbt_self_heal.self_heal_sql_timestamp(now) ~ " - started_at)"
        ~ ", error = " ~ dbt_self_heal.self_heal_sql_string(error) ~ ", steps = " ~ dbt_self_heal.self_heal_sql_string(tojson(run.steps))
        ~ " where invocation_id = " ~ dbt_self_heal.self_heal_sql_string(invocation_id)) -%}
  {%- endif -%}
  {%- do dbt_self_heal.self_heal_emit({'event': 'heal_failed', 'state': 'failed', 'step': step, 'error': error,
                         'remediation': remediation, 'relations': run.missing,
                         'started_at': run.started_at, 'completed_at': now,
                         'duration_seconds': dbt_self_heal.self_heal_seconds_since(run.started_at)},
      "initialization FAILED in step " ~ step ~ ": " ~ error ~ " Nothing was kept (the transaction was rolled back), "
      ~ "so the next run starts clean. Fix: " ~ remediation) -%}
  {{ return('') }}
{% endmacro %}
