{% macro self_heal_now() %}
  {{ return(modules.datetime.datetime.now(modules.pytz.utc).isoformat(timespec='milliseconds')) }}
{% endmacro %}

{% macro self_heal_seconds_since(iso_timestamp) %}
  {%- set started = modules.datetime.datetime.fromisoformat(iso_timestamp) -%}
  {%- set now = modules.datetime.datetime.now(modules.pytz.utc) -%}
  {{ return(((now - started).total_seconds()) | round(3)) }}
{% endmacro %}
