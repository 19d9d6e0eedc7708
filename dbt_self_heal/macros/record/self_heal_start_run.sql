{#- This invocation's healing run, shared by the on-run-start hook and the on-run-end hook of one dbt command
    (self_heal_run_state's 'run'): plan, steps, state; a heal that failed before building is recorded there. -#}
{% macro self_heal_start_run(plan, started_at, missing_names) %}
  {%- set run = {'invocation_id': invocation_id, 'plan': plan, 'started_at': started_at, 'steps': [],
                 'step': 'check_tables', 'missing': missing_names, 'state': 'in_progress'} -%}
  {%- do dbt_self_heal.self_heal_run_state().update({'run': run}) -%}
  {{ return(run) }}
{% endmacro %}
