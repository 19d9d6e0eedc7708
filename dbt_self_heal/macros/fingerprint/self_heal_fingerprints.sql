{#- Fingerprints of the given nodes and of all their ancestors: {unique_id: {'fingerprint': md5, 'parts': {...}}}.
    `file_hashes` maps a path to its content hash (self_heal_file_hashes). -#}
{% macro self_heal_fingerprints(node_ids, file_hashes, known={}) %}
  {%- set resolver = dbt_self_heal.self_heal_resolver() -%}
  {%- set manifest = resolver.manifest -%}
  {%- set memo = dict(known) -%}
  {%- set ignored_config = ['meta', 'tags', 'docs', 'group', 'access', 'enabled', 'full_refresh', 'grants',
                            'event_time', 'lookback', 'batch_size', 'begin', 'concurrent_batches'] -%}
  {%- set index = dbt_self_heal.self_heal_macro_index(manifest) -%}
  {%- set shared = {'materializations': {}, 'index': index, 'project': resolver.config.project_name,
                    'config_view': index.config_view, 'code': index.code} -%}
  {#- Every ancestor, then parents before children (Kahn's order over a list that grows while it is walked). -#}
  {%- set seen = {} -%}
  {%- set queue = node_ids | list -%}
  {%- for uid in queue if uid not in seen and uid not in memo -%}
    {%- do seen.update({uid: true}) -%}
    {%- do queue.extend((graph.nodes.get(uid) or {}).get('depends_on', {}).get('nodes', [])) -%}
  {%- endfor -%}
  {%- set waiting = {} -%}
  {%- set children = {} -%}
  {%- set ready = [] -%}
  {%- for uid in seen -%}
    {%- set parents = (graph.nodes.get(uid) or {}).get('depends_on', {}).get('nodes', []) | reject('in', memo) | unique | list -%}
    {%- do waiting.update({uid: parents | length}) -%}
    {%- for parent in parents -%}{%- do children.setdefault(parent, []).append(uid) -%}{%- endfor -%}
    {%- if not parents -%}{%- do ready.append(uid) -%}{%- endif -%}
  {%- endfor -%}
  {%- for uid in ready -%}
    {%- set node = graph.nodes.get(uid) or graph.sources.get(uid) -%}
    {%- if node is not none -%}
      {%- do memo.update({uid: dbt_self_heal.self_heal_node_fingerprint(node, manifest, memo, file_hashes,
                                                                       ignored_config, shared)}) -%}
    {%- endif -%}
    {%- for child in children.get(uid, []) -%}
      {%- do waiting.update({child: waiting[child] - 1}) -%}
      {%- if waiting[child] == 0 -%}{%- do ready.append(child) -%}{%- endif -%}
    {%- endfor -%}
  {%- endfor -%}
  {{ return(memo) }}
{% endmacro %}
