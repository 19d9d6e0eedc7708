{#- Every source a planned node reads, directly or through ephemeral models, must exist before anything is built:
    another program writes it, so the message names the source, the nodes that need it and its loader. -#}
{% macro self_heal_check_sources(node_ids) %}
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
        {%- do readers.setdefault(parent, []).append(graph.nodes[reader].name) -%}
      {%- elif parent in graph.nodes and graph.nodes[parent].config.materialized == 'ephemeral' -%}
        {%- do queue.append((parent, reader)) -%}
      {%- endif -%}
    {%- endfor -%}
  {%- endfor -%}
  {%- if not readers -%}{{ return([]) }}{%- endif -%}
  {%- set keys = [] -%}
  {%- for uid in readers -%}
    {%- set source = graph.sources[uid] -%}
    {%- do keys.append(dbt_self_heal.self_heal_relation_key(source.database, source.schema, source.identifier)) -%}
  {%- endfor -%}
  {%- set existing = dbt_self_heal.self_heal_inspect(keys).relations -%}
  {%- set problems = [] -%}
  {%- for uid, names in readers.items() -%}
    {%- set source = graph.sources[uid] -%}
    {%- if keys[loop.index0] not in existing -%}
    {%- do problems.append("source " ~ source.source_name ~ "." ~ source.name ~ " (" ~ source.database ~ "."
        ~ source.schema ~ "." ~ source.identifier ~ ") does not exist, but " ~ names | unique | join(', ')
        ~ (" needs it" if names | unique | list | length == 1 else " need it") ~ ". "
        ~ ("It is written by " ~ source.loader ~ ": run that first" if source.loader else
           "Create or load it first (it is a dbt source, which dbt never builds)")
        ~ ", then rerun.") -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(problems) }}
{% endmacro %}
