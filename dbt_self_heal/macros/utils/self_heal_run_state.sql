{#- Everything one dbt invocation carries from its on-run-start hook to its on-run-end hook, under ONE key of
    `graph` (dbt hands every hook compile of an invocation the same `graph` object; an in-process runner may reuse
    it for the next invocation, which then starts afresh). Its shape:
      invocation_id  the invocation this state belongs to
      check          the on-run-start check (self_heal_check) plus 'selected' and 'between'; none until it ran
      run            the heal in progress (self_heal_start_run): plan, steps, step, state, error; none if no heal
      macro_index    the project's macros by name, and the overrides of dbt's (self_heal_macro_index)
      finalized      true once an on-run-end hook recorded what dbt built
      stopped        true when the check or heal failed before building (self_heal_stop_run): dbt 1.8 runs the
                     selected nodes anyway, and on-run-end must not record what they built
    Within one hook, the compile/materialize engine lives in the hook's context instead (self_heal_engine). -#}
{% macro self_heal_run_state() %}
  {%- set state = graph.get('_self_heal') -%}
  {%- if state is none or state.invocation_id != invocation_id -%}
    {%- set state = {'invocation_id': invocation_id, 'check': none, 'run': none, 'macro_index': none,
                     'finalized': false, 'stopped': false} -%}
    {%- do graph.update({'_self_heal': state}) -%}
  {%- endif -%}
  {{ return(state) }}
{% endmacro %}
