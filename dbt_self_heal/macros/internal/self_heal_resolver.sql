{#- dbt's own ref resolver (it holds the manifest and the runtime config). A project may define its own `ref`
    macro, which then replaces `ref` in every context; dbt's stays reachable as `builtins.ref`. -#}
{% macro self_heal_resolver() %}
  {{ return(context['builtins']['ref'] if 'builtins' in context else context['ref']) }}
{% endmacro %}
