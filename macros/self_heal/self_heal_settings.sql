{#- The one place where self-healing settings and their defaults live (see README, "Configuration"). -#}
{% macro self_heal_settings() %}
  {{ return({
      'enabled': var('self_heal_enabled', true) | string | lower not in ['false', '0', 'no', 'off'],
      'state_schema': var('self_heal_state_schema', target.schema),
      'state_table': var('self_heal_state_table', 'self_heal_state'),
      'commands': ['build', 'run', 'test', 'seed', 'snapshot', 'retry'],
  }) }}
{% endmacro %}
