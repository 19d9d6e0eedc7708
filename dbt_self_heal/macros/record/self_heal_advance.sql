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
