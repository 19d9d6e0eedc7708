{#- Per-node progress: the human line before a node names it, so a failure right after it is attributable. -#}
{% macro self_heal_node_started(uid, index, total) %}
  {%- set node = graph.nodes[uid] -%}
  {%- set started = dbt_self_heal.self_heal_now() -%}
  {%- do dbt_self_heal.self_heal_emit({'event': 'node', 'status': 'started', 'unique_id': uid, 'name': node.name,
                         'resource_type': node.resource_type, 'materialized': node.config.materialized,
                         'index': index, 'total': total, 'started_at': started},
      "[" ~ index ~ "/" ~ total ~ "] building " ~ node.resource_type ~ " " ~ node.name
      ~ (" (" ~ node.config.materialized ~ ")" if node.resource_type != 'seed' else "")) -%}
  {{ return(started) }}
{% endmacro %}

{% macro self_heal_node_completed(uid, started) %}
  {%- do dbt_self_heal.self_heal_emit({'event': 'node', 'status': 'completed', 'unique_id': uid, 'name': graph.nodes[uid].name,
                         'started_at': started, 'completed_at': dbt_self_heal.self_heal_now(),
                         'duration_seconds': dbt_self_heal.self_heal_seconds_since(started)}) -%}
{% endmacro %}
