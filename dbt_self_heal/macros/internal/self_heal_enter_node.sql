{#- Enter a node: push its frame and swap its values into the context; returns the frame. -#}
{% macro self_heal_enter_node(node, compiled_sql=none, agate_table=none) %}
  {%- set engine = dbt_self_heal.self_heal_engine() -%}
  {%- if not engine.stack -%}
    {%- for key in dbt_self_heal.self_heal_node_context_keys() -%}
      {%- do engine.hook_values.update({key: context.get(key)}) -%}
    {%- endfor -%}
  {%- endif -%}
  {%- set frame = {'node': node, 'ctes': [], 'sql': compiled_sql, 'agate_table': agate_table} -%}
  {%- do engine.stack.append(frame) -%}
  {%- do context.update(dbt_self_heal.self_heal_node_values(frame)) -%}
  {{ return(frame) }}
{% endmacro %}

{#- Leave the innermost node: the context gets the enclosing node's values back, or the hook's own. -#}
{% macro self_heal_leave_node() %}
  {%- set engine = context['self_heal__engine_state'] -%}
  {%- do engine.stack.pop() -%}
  {%- if engine.stack -%}
    {%- do context.update(dbt_self_heal.self_heal_node_values(engine.stack[-1])) -%}
  {%- else -%}
    {%- do context.update(engine.hook_values) -%}
  {%- endif -%}
{% endmacro %}
