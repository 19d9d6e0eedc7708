{% macro self_heal_refuse_run(problems, check_started) %}
  {%- do dbt_self_heal.self_heal_emit({'event': 'heal_failed', 'state': 'failed', 'step': 'check_tables',
                         'error': problems | join(' | '), 'remediation': dbt_self_heal.self_heal_remediation('check_tables', ''),
                         'relations': [], 'started_at': check_started, 'completed_at': dbt_self_heal.self_heal_now(),
                         'duration_seconds': dbt_self_heal.self_heal_seconds_since(check_started)},
      "cannot run: " ~ problems | join(' | ')) -%}
  {{ return(dbt_self_heal.self_heal_stop_run(problems | join(' | '))) }}
{% endmacro %}
