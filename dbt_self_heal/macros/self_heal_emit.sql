{#- Progress output: a human line for analysts and a machine event `self_heal <json>` for wrappers. -#}
{% macro self_heal_emit(event, message=none) %}
  {%- set payload = {'event': event.pop('event')} -%}
  {%- do payload.update(event) -%}
  {%- do payload.update({'invocation_id': invocation_id, 'emitted_at': dbt_self_heal.self_heal_now()}) -%}
  {%- if message -%}
    {%- do payload.update({'message': message}) -%}
    {%- do log('Self-heal: ' ~ message, info=true) -%}
  {%- endif -%}
  {#- JSON-format runs are read by machines, so the event goes to stdout; text runs keep it in the debug log. -#}
  {%- do log('self_heal ' ~ tojson(payload), info=(flags.LOG_FORMAT == 'json')) -%}
{% endmacro %}

{% macro self_heal_now() %}
  {{ return(modules.datetime.datetime.now(modules.pytz.utc).isoformat(timespec='milliseconds')) }}
{% endmacro %}

{% macro self_heal_seconds_since(iso_timestamp) %}
  {%- set started = modules.datetime.datetime.fromisoformat(iso_timestamp) -%}
  {%- set now = modules.datetime.datetime.now(modules.pytz.utc) -%}
  {{ return(((now - started).total_seconds()) | round(3)) }}
{% endmacro %}

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

{% macro self_heal_sql_string(text) %}
  {{ return("'" ~ (text | string | replace("'", "''")) ~ "'") }}
{% endmacro %}
