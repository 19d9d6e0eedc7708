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
