{% macro self_heal_step_event(step, status, started_at, relations, error=none) %}
  {#- self_heal_now and self_heal_seconds_since, inline: every run makes two of these. -#}
  {%- set now = none if status == 'started' else modules.datetime.datetime.now(modules.pytz.utc) -%}
  {%- set event = {
      'event': 'step', 'step': step, 'status': status, 'started_at': started_at,
      'completed_at': none if now is none else now.isoformat(timespec='milliseconds'),
      'duration_seconds': none if now is none
                          else ((now - modules.datetime.datetime.fromisoformat(started_at)).total_seconds()) | round(3),
      'relations': relations,
  } -%}
  {%- if error -%}{%- do event.update({'error': error}) -%}{%- endif -%}
  {{ return(event) }}
{% endmacro %}
