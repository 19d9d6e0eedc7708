{#- Progress output: a human line for analysts and a machine event `self_heal <json>` for wrappers. -#}
{% macro self_heal_emit(event, message=none) %}
  {%- set payload = {'event': event.pop('event')} -%}
  {%- do payload.update(event) -%}
  {#- self_heal_now, inline: every event of a heal passes here (dbt calls each macro through a fresh module). -#}
  {%- do payload.update({'invocation_id': invocation_id,
                         'emitted_at': modules.datetime.datetime.now(modules.pytz.utc).isoformat(timespec='milliseconds')}) -%}
  {#- A heal's start (its state row is written next) and the status operation name the state and record tables. -#}
  {%- if payload.event in ['heal_start', 'status'] -%}{%- do payload.update(dbt_self_heal.self_heal_table_refs()) -%}{%- endif -%}
  {%- if message -%}
    {%- do payload.update({'message': message}) -%}
    {%- do log('Self-heal: ' ~ message, info=true) -%}
  {%- endif -%}
  {#- JSON-format runs are read by machines, so the event goes to stdout; text runs keep it in the debug log. -#}
  {%- do log('self_heal ' ~ tojson(payload), info=(flags.LOG_FORMAT == 'json')) -%}
{% endmacro %}
