{% macro self_heal_var_for(node, name, default) %}
  {%- set config = context['builtins']['ref'].config if 'self_heal__engine_state' not in context
                   else context['self_heal__engine_state'].config -%}
  {%- set found = namespace(value=default, done=false) -%}
  {%- if name in config.cli_vars -%}{%- set found.value = config.cli_vars[name] -%}{%- set found.done = true -%}{%- endif -%}
  {%- set projects = [config] -%}
  {%- if not found.done and node.package_name != config.project_name -%}
    {%- set dependency = config.load_dependencies().get(node.package_name) -%}
    {%- if dependency -%}{%- do projects.append(dependency) -%}{%- endif -%}
  {%- endif -%}
  {%- for project in projects if not found.done -%}
    {%- set declared = project.vars.vars -%}
    {%- set scoped = declared.get(node.package_name) -%}
    {%- if scoped is mapping and name in scoped -%}{%- set found.value = scoped[name] -%}{%- set found.done = true -%}
    {%- elif name in declared -%}{%- set found.value = declared[name] -%}{%- set found.done = true -%}{%- endif -%}
  {%- endfor -%}
  {#- As dbt's var(): a string value is rendered as Jinja (e.g. "{{ target.name }}") when it is read. -#}
  {%- if found.value is string and ('{{' in found.value or '{%' in found.value) -%}{{ return(render(found.value)) }}{%- endif -%}
  {{ return(found.value) }}
{% endmacro %}
