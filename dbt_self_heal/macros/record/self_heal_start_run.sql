{#- This invocation's healing run, shared by the on-run-start hook and the on-run-end hook of one dbt command.
    dbt hands every hook compile the same `graph` object, so the key `_self_heal_run` on it carries the run
    (plan, steps, state) to on-run-end without a query; a heal that failed before building is recorded there. -#}
{% macro self_heal_start_run(plan, started_at, missing_names) %}
  {%- set run = {'invocation_id': invocation_id, 'plan': plan, 'started_at': started_at, 'steps': [],
                 'step': 'check_tables', 'missing': missing_names, 'state': 'in_progress'} -%}
  {%- do graph.update({'_self_heal_run': run}) -%}
  {{ return(run) }}
{% endmacro %}
