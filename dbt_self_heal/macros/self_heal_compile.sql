{#- Compile a node as dbt's compiler does (compilation.py): render its raw code in its own context, then inject the
    CTEs of the ephemeral models it refs, each compiled in its own context, nested ones first. -#}
{% macro self_heal_compile(node) %}
  {%- set frame = dbt_self_heal.self_heal_enter_node(node) -%}
  {%- set sql = render(dbt_self_heal.self_heal_config_calls(node.raw_code)) -%}
  {%- do dbt_self_heal.self_heal_leave_node() -%}
  {%- set ctes = [] -%}
  {%- set seen = [] -%}
  {%- for uid in frame.ctes -%}
    {%- set ephemeral = dbt_self_heal.self_heal_engine().manifest.nodes[uid] -%}
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

{#- `{{ config(...) }}` in a model's code is a no-op at run time. The node's `config` is a namespace (get, require,
    ...) that Jinja cannot make callable, so the call is routed to the hook's own config object, which returns ''. -#}
{% macro self_heal_config_calls(raw_code) %}
  {%- if 'config' not in raw_code -%}{{ return(raw_code) }}{%- endif -%}
  {#- Every call of config(...) inside a Jinja tag ({{ config(...) }}, {% do config(...) %}, {% set x = config(...) %}),
      never config.get(...), my_config(...) or text outside the tags. -#}
  {%- set parts = modules.re.split('(\{\{.*?\}\}|\{%.*?%\})', raw_code, flags=modules.re.S) -%}
  {%- set out = [] -%}
  {%- for part in parts -%}
    {%- do out.append(modules.re.sub('(?<![\w.])config(\s*)\(', 'self_heal_config_call\\1(', part) if loop.index is even else part) -%}
  {%- endfor -%}
  {{ return(out | join('')) }}
{% endmacro %}

{#- dbt's inject_ctes_into_sql: after a leading top-level WITH, or as a new WITH before the first token. -#}
{% macro self_heal_inject_ctes(sql, ctes) %}
  {%- if not ctes -%}{{ return(sql) }}{%- endif -%}
  {%- set joined = ctes | map(attribute='sql') | join(', ') -%}
  {%- set leading = modules.re.match('^((?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*)', sql, modules.re.S).group(1) -%}
  {%- set rest = sql[leading | length:] -%}
  {%- set with_keyword = modules.re.match('(?i)with\\b', rest) -%}
  {%- if with_keyword -%}
    {%- set recursive = modules.re.match('(?i)with(\s+)recursive\\b', rest) -%}
    {%- set keyword = recursive.group(0) if recursive else rest[:4] -%}
    {{ return(leading ~ keyword ~ joined ~ ', ' ~ rest[keyword | length:]) }}
  {%- endif -%}
  {#- No WITH: dbt inserts one before the first non-whitespace token (a comment counts as a token). -#}
  {%- set spaces = modules.re.match('^\s*', sql).group(0) -%}
  {{ return(spaces ~ 'with' ~ joined ~ ' ' ~ sql[spaces | length:]) }}
{% endmacro %}
