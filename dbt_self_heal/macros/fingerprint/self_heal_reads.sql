{#- What code reads from outside itself: [(kind, name)] for `var('x')`, `env_var('x')` (literal names) and
    `target.x`. -#}
{% macro self_heal_reads(text) %}
  {%- set reads = [] -%}
  {%- for function, name in modules.re.findall('(?<![\\w.])(env_var|var)\\(\\s*[\'"]([^\'"]+)[\'"]', text) -%}
    {%- do reads.append((function, name)) -%}
  {%- endfor -%}
  {%- for name in modules.re.findall('(?<![\\w.])target\\.(\\w+)', text) -%}
    {%- do reads.append(('target', name)) -%}
  {%- endfor -%}
  {{ return(reads | unique | list) }}
{% endmacro %}
