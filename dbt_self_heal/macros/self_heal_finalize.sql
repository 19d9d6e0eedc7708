{#- on-run-end hook: when healing failed, mark the attempt failed with its error and say how to fix it.
    dbt has rolled the healing transaction back, so the database is as it was before the run. -#}
{% macro self_heal_finalize(wired_by='consumer') %}
  {%- set run = graph.get('_self_heal_run') if execute else none -%}
  {%- if run is none or run.invocation_id != invocation_id or run.state != 'in_progress' -%}{{ return('') }}{%- endif -%}
  {{ return(dbt_self_heal.self_heal_record_failure(run)) }}
{% endmacro %}

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
  {%- do run_query("update " ~ dbt_self_heal.self_heal_state_relation() ~ " set state = 'failed', completed_at = "
      ~ dbt_self_heal.self_heal_sql_timestamp(now) ~ ", duration_seconds = epoch(" ~ dbt_self_heal.self_heal_sql_timestamp(now) ~ " - started_at)"
      ~ ", error = " ~ dbt_self_heal.self_heal_sql_string(error) ~ ", steps = " ~ dbt_self_heal.self_heal_sql_string(tojson(run.steps))
      ~ " where invocation_id = " ~ dbt_self_heal.self_heal_sql_string(invocation_id)) -%}
  {%- do dbt_self_heal.self_heal_emit({'event': 'heal_failed', 'state': 'failed', 'step': step, 'error': error,
                         'remediation': remediation, 'relations': run.missing,
                         'started_at': run.started_at, 'completed_at': now,
                         'duration_seconds': dbt_self_heal.self_heal_seconds_since(run.started_at)},
      "initialization FAILED in step " ~ step ~ ": " ~ error ~ " Nothing was kept (the transaction was rolled back), "
      ~ "so the next run starts clean. Fix: " ~ remediation) -%}
  {{ return('') }}
{% endmacro %}

{#- What to do about a failed step (see README, "Error catalogue"). -#}
{% macro self_heal_remediation(step, error) %}
  {%- if step == 'check_tables' -%}
    {{ return("fix the file or var named above, then rerun the same command.") }}
  {%- elif step == 'load_seeds' -%}
    {{ return("a seed could not be loaded: fix the CSV or its column_types as the database error above says; "
              ~ "if it says 'No space left on device' or 'File too large', free disk space; then rerun.") }}
  {%- elif step == 'build_foundation' -%}
    {{ return("a model's SQL failed: fix the model whose SQL the database error above quotes (run `dbt build --select "
              ~ "<model> --vars '{self_heal_enabled: false}'` for dbt's per-model error); if it says 'No space left on "
              ~ "device' or 'File too large', free disk space; then rerun.") }}
  {%- elif step == 'verify' -%}
    {{ return("the verification or the commit failed; if the database error above says 'No space left on device' "
              ~ "or 'File too large', free disk space where the database lives; then rerun.") }}
  {%- endif -%}
  {{ return("read the database error above, fix its cause, then rerun the same command.") }}
{% endmacro %}
