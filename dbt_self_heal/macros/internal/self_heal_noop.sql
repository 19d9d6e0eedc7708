{#- Accepts and ignores any arguments (Jinja lets a macro that mentions varargs/kwargs take them). -#}
{% macro self_heal_noop() %}{%- if varargs or kwargs -%}{%- endif -%}{{ return('') }}{% endmacro %}
