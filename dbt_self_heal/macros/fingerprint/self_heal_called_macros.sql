{#- Project and package macros called by name in `text` (`name(` or `package.name(`), as dbt would resolve them for
    a node of `package`: its own package's first, then the root project's. -#}
{% macro self_heal_called_macros(text, package, index) %}
  {%- set calls = [] -%}
  {%- for qualifier, name in modules.re.findall('(?:\\b(\\w+)\\.)?\\b(\\w+)\\s*\\(', text) if name in index.names -%}
    {%- set candidates = index.names[name] -%}
    {%- set uid = candidates.get(qualifier) if qualifier else (candidates.get(package) or candidates.get(index.project)) -%}
    {%- if uid and uid not in calls -%}{%- do calls.append(uid) -%}{%- endif -%}
  {%- endfor -%}
  {{ return(calls) }}
{% endmacro %}
