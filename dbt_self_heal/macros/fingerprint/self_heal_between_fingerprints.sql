{#- Fingerprints of nodes between selected nodes as they were built: from their selected ancestors' recorded
    fingerprints (what those relations held before dbt rebuilds them in this run; 'unrecorded' when there is none),
    so the next run finds them stale exactly when a selected ancestor changed. -#}
{% macro self_heal_between_fingerprints(between, check) %}
  {%- set ancestors = {} -%}
  {%- set queue = [] -%}
  {%- for uid in between -%}{%- do queue.extend(graph.nodes[uid].depends_on.get('nodes', [])) -%}{%- endfor -%}
  {%- set seen = {} -%}
  {%- for uid in queue if uid not in seen and uid in graph.nodes -%}
    {%- do seen.update({uid: true}) -%}
    {%- set node = graph.nodes[uid] -%}
    {%- if uid in check.selected and node.config.materialized != 'ephemeral' -%}
      {%- do ancestors.update({uid: dbt_self_heal.self_heal_relation_key(node.database, node.schema, node.alias)}) -%}
    {%- else -%}
      {%- do queue.extend(node.depends_on.get('nodes', [])) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set records = dbt_self_heal.self_heal_inspect(ancestors.values() | list,
        dbt_self_heal.self_heal_record_relation() if check.record_exists else none).records -%}
  {%- set known = {} -%}
  {%- for uid, value in check.fingerprints.items() if uid not in between -%}{%- do known.update({uid: value}) -%}{%- endfor -%}
  {#- This run has already marked its selected nodes' records unfinished (self_heal_mark_sql): what they held before
      is the record without that mark. (One left unfinished by an earlier run reads the same: its relation holds
      either what the record says or what its new code built, and a change of code is seen in its next record.) -#}
  {%- for uid, key in ancestors.items() -%}
    {%- set recorded = (records.get(key) or {}).get('fingerprint') or 'unrecorded' -%}
    {%- do known.update({uid: {'fingerprint': recorded[11:] if recorded.startswith('unfinished:') else recorded}}) -%}
  {%- endfor -%}
  {%- set fingerprints = dbt_self_heal.self_heal_fingerprints(between, check.hashes, known) -%}
  {%- set honest = {} -%}
  {%- for uid in between -%}{%- do honest.update({uid: fingerprints[uid]}) -%}{%- endfor -%}
  {{ return(honest) }}
{% endmacro %}
