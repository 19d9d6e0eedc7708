{#- Every source a planned node reads, directly or through ephemeral models, must exist before anything is built:
    another program writes it, so the message names the source, the nodes that need it and its loader.
    Only a source whose `{{ source(...) }}` stands in the code outside SQL comments is known to be read before
    compiling; one that is only declared (`-- depends on: {{ source(...) }}`, dbt's documented way to force a
    dependency) or reached through a macro may not be read at all, and plain dbt builds the node then. Those go
    into `unsure` ({node id: [source ids]}) and are checked against the node's compiled SQL just before it is
    built (self_heal_check_compiled_sources). -#}
{% macro self_heal_check_sources(node_ids, unsure) %}
  {%- set readers = {} -%}
  {%- set queue = [] -%}
  {%- for uid in node_ids -%}{%- do queue.append((uid, uid)) -%}{%- endfor -%}
  {%- set seen = {} -%}
  {%- for uid, reader in queue if (uid ~ '|' ~ reader) not in seen -%}
    {%- do seen.update({uid ~ '|' ~ reader: true}) -%}
    {%- for parent in (graph.nodes.get(uid) or {}).get('depends_on', {}).get('nodes', []) -%}
      {%- set source = graph.sources.get(parent) -%}
      {#- dbt-duckdb reads a source with an external_location from its files, not from a table. -#}
      {%- if source is not none and not ((source.get('meta') or {}).get('external_location')
                                          or (source.get('config') or {}).get('external_location')) -%}
        {%- do readers.setdefault(parent, []).append((reader, uid)) -%}
      {%- elif parent in graph.nodes and graph.nodes[parent].config.materialized == 'ephemeral' -%}
        {%- do queue.append((parent, reader)) -%}
      {%- endif -%}
    {%- endfor -%}
  {%- endfor -%}
  {%- if not readers -%}{{ return([]) }}{%- endif -%}
  {%- set keys = {} -%}
  {%- for uid in readers -%}
    {%- set source = graph.sources[uid] -%}
    {%- do keys.update({uid: dbt_self_heal.self_heal_relation_key(source.database, source.schema, source.identifier)}) -%}
  {%- endfor -%}
  {%- set existing = dbt_self_heal.self_heal_inspect(keys.values() | list).relations -%}
  {%- set re = modules.re -%}
  {%- set problems = [] -%}
  {%- for uid, pairs in readers.items() if keys[uid] not in existing -%}
    {%- set source = graph.sources[uid] -%}
    {%- set call = re.compile("\\{\\{\\s*source\\s*\\(\\s*['\"]" ~ re.escape(source.source_name) ~ "['\"]\\s*,\\s*['\"]"
                              ~ re.escape(source.name) ~ "['\"]\\s*\\)\\s*\\}\\}") -%}
    {%- set names = [] -%}
    {%- for reader, declarer in pairs -%}
      {%- if call.search(dbt_self_heal.self_heal_strip_sql_comments(graph.nodes[declarer].raw_code)) -%}
        {%- do names.append(graph.nodes[reader].name) -%}
      {%- else -%}
        {%- do unsure.setdefault(reader, []).append(uid) -%}
      {%- endif -%}
    {%- endfor -%}
    {%- if names -%}
      {%- do problems.append(dbt_self_heal.self_heal_missing_source_message(source, names | unique | list)) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(problems) }}
{% endmacro %}
