{#- This invocation's healing run, shared by the on-run-start hook and the on-run-end hook of one dbt command.
    dbt hands every hook compile the same `graph` object, so the key `_self_heal_run` on it carries the run
    (plan, steps, state) to on-run-end without a query; a heal that failed before building is recorded there. -#}
{% macro self_heal_start_run(plan, started_at, missing_names) %}
  {%- set run = {'invocation_id': invocation_id, 'plan': plan, 'started_at': started_at, 'steps': [],
                 'step': 'check_tables', 'missing': missing_names, 'state': 'in_progress'} -%}
  {%- do graph.update({'_self_heal_run': run}) -%}
  {{ return(run) }}
{% endmacro %}

{#- Close the running step (if any) and open the next one; returns the new step's event. -#}
{% macro self_heal_advance(run, next_step, relations, message=none) %}
  {%- if run.steps and run.steps[-1].status == 'started' -%}
    {%- set last = run.steps[-1] -%}
    {%- set done = dbt_self_heal.self_heal_step_event(last.step, 'completed', last.started_at, last.relations) -%}
    {%- do run.steps.pop() -%}
    {%- do run.steps.append(done) -%}
    {%- do dbt_self_heal.self_heal_emit(done) -%}
  {%- endif -%}
  {%- if next_step -%}
    {%- set step = dbt_self_heal.self_heal_step_event(next_step, 'started', dbt_self_heal.self_heal_now(), relations) -%}
    {%- do run.steps.append(step) -%}
    {%- do run.update({'step': next_step}) -%}
    {%- do dbt_self_heal.self_heal_emit(step, message) -%}
  {%- endif -%}
{% endmacro %}
