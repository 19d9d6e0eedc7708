{% macro self_heal_step_event(step, status, started_at, relations, error=none) %}
  {%- set completed_at = none if status == 'started' else dbt_self_heal.self_heal_now() -%}
  {%- set event = {
      'event': 'step', 'step': step, 'status': status, 'started_at': started_at,
      'completed_at': completed_at,
      'duration_seconds': none if status == 'started' else dbt_self_heal.self_heal_seconds_since(started_at),
      'relations': relations,
  } -%}
  {%- if error -%}{%- do event.update({'error': error}) -%}{%- endif -%}
  {{ return(event) }}
{% endmacro %}
