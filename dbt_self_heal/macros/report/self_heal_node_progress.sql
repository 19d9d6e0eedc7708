{#- Per-node progress: the human line before a node names it, so a failure right after it is attributable. -#}
{% macro self_heal_node_started(uid, index, total) %}
  {%- set node = graph.nodes[uid] -%}
  {%- set started = modules.datetime.datetime.now(modules.pytz.utc).isoformat(timespec='milliseconds') -%}
  {%- do dbt_self_heal.self_heal_emit({'event': 'node', 'status': 'started', 'unique_id': uid, 'name': node.name,
                         'resource_type': node.resource_type, 'materialized': node.config.materialized,
                         'index': index, 'total': total, 'started_at': started},
      "[" ~ index ~ "/" ~ total ~ "] building " ~ node.resource_type ~ " " ~ node.name
      ~ (".v" ~ node.version if node.get('version') is not none else "")
      ~ (" (" ~ node.config.materialized ~ ")" if node.resource_type != 'seed' else "")) -%}
  {{ return(started) }}
{% endmacro %}

{% macro self_heal_node_completed(uid, started) %}
  {#- self_heal_now and self_heal_seconds_since, inline (once per node). -#}
  {%- set now = modules.datetime.datetime.now(modules.pytz.utc) -%}
  {%- do dbt_self_heal.self_heal_emit({'event': 'node', 'status': 'completed', 'unique_id': uid, 'name': graph.nodes[uid].name,
                         'started_at': started, 'completed_at': now.isoformat(timespec='milliseconds'),
                         'duration_seconds': ((now - modules.datetime.datetime.fromisoformat(started)).total_seconds()) | round(3)}) -%}
{% endmacro %}
