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
