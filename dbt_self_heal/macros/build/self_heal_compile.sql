{#- Compile a node as dbt's compiler does (compilation.py): render its raw code in its own context, then inject the
    CTEs of the ephemeral models it refs, each compiled in its own context, nested ones first. -#}
{% macro self_heal_compile(node) %}
  {%- set frame = dbt_self_heal.self_heal_enter_node(node) -%}
  {%- set sql = render(dbt_self_heal.self_heal_config_calls(node.raw_code)) -%}
  {%- do dbt_self_heal.self_heal_leave_node() -%}
  {#- Most nodes ref no ephemeral model: their CTEs are compiled by a macro of its own. -#}
  {{ return(dbt_self_heal.self_heal_compile_ctes(sql, frame.ctes) if frame.ctes else {'sql': sql, 'pre_injected': sql, 'ctes': []}) }}
{% endmacro %}

{#- The CTEs of the ephemeral models a node refs (`uids`, in ref order), each compiled in its own context, nested
    ones first, injected into the node's rendered `sql` (self_heal_compile's result). -#}
{% macro self_heal_compile_ctes(sql, uids) %}
  {%- set ctes = [] -%}
  {%- set seen = [] -%}
  {%- for uid in uids -%}
    {%- set ephemeral = context['self_heal__engine_state'].manifest.nodes[uid] -%}
    {%- set compiled = dbt_self_heal.self_heal_compile(ephemeral) -%}
    {%- for cte in compiled.ctes if cte.id not in seen -%}
      {%- do seen.append(cte.id) -%}{%- do ctes.append(cte) -%}
    {%- endfor -%}
    {%- if uid not in seen -%}
      {%- do seen.append(uid) -%}
      {#- dbt wraps the ephemeral's SQL in newlines, so a trailing `-- comment` cannot swallow the parenthesis. -#}
      {%- do ctes.append({'id': uid, 'sql': ' __dbt__cte__' ~ ephemeral.identifier ~ ' as (\n'
                                           ~ compiled.pre_injected ~ '\n)'}) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return({'sql': dbt_self_heal.self_heal_inject_ctes(sql, ctes), 'pre_injected': sql, 'ctes': ctes}) }}
{% endmacro %}
