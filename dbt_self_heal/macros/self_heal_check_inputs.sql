{#- External files the nodes to build read (meta.self_heal.inputs: names of vars holding file paths) must exist. -#}
{% macro self_heal_check_inputs(node_ids) %}
  {%- set wanted = [] -%}
  {%- for uid in node_ids -%}
    {%- set node = graph.nodes[uid] -%}
    {%- set declared = ((node.config.get('meta') or {}).get('self_heal') or {}).get('inputs', []) -%}
    {#- `inputs: census_path` (one name, not a list) is read as the list of that one name. -#}
    {%- for var_name in ([declared] if declared is string else declared) -%}
      {%- do wanted.append((var_name, var(var_name, none), node.name)) -%}
    {%- endfor -%}
  {%- endfor -%}
  {%- set problems = [] -%}
  {%- if wanted | length == 0 -%}{{ return(problems) }}{%- endif -%}
  {%- set sql -%}
    {%- for var_name, path, _ in wanted -%}
      select {{ loop.index0 }} as i, (select count(*) from glob({{ dbt_self_heal.self_heal_sql_string(path or '') }})) as n
      {{ 'union all' if not loop.last }}
    {% endfor -%}
  {%- endset -%}
  {%- for row in run_query(sql).rows -%}
    {%- set var_name, path, model = wanted[row[0]] -%}
    {%- if path is none or path == '' -%}
      {%- do problems.append("var '" ~ var_name ~ "' is not set but model " ~ model ~ " reads the file it names. "
          ~ "Set it in dbt_project.yml vars or pass --vars '{" ~ var_name ~ ": path/to/file}'.") -%}
    {%- elif row[1] == 0 -%}
      {%- do problems.append("input file not found: " ~ path ~ " (var '" ~ var_name ~ "', read by model " ~ model
          ~ "). Put the file there or pass --vars '{" ~ var_name ~ ": path/to/file}'.") -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(problems) }}
{% endmacro %}

{#- Nodes the hook does not build, with why; everything else goes through dbt's own materialization for it
    (custom materializations included). Snapshots need dbt's snapshot runner, Python models a Python runtime,
    microbatch models dbt's batch runner; `external` writes files outside the database, which the heal's
    transaction could not roll back. -#}
{% macro self_heal_check_buildable(node_ids) %}
  {%- set problems = [] -%}
  {%- for uid in node_ids -%}
    {%- set node = graph.nodes[uid] -%}
    {%- set why = "it is a snapshot" if node.resource_type == 'snapshot'
          else "it is a " ~ node.language ~ " model" if node.get('language', 'sql') != 'sql'
          else "it writes files outside the database (materialized='external')" if node.config.materialized == 'external'
          else "it is a microbatch model" if node.config.get('incremental_strategy') == 'microbatch'
          else "it lives in the attached database '" ~ node.database ~ "' and DuckDB lets one transaction write to "
               ~ "one database only (the heal's transaction also writes its state in '" ~ target.database ~ "')"
               if node.database and target.database and node.database | lower != target.database | lower
          else none -%}
    {%- if why -%}
      {%- do problems.append("self_heal does not build " ~ node.unique_id ~ ": " ~ why ~ ". Build it once with "
        ~ "`dbt build --select " ~ node.name ~ "`, then rerun.") -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(problems) }}
{% endmacro %}

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

{#- A planned node that descends from the selection reads a selected node (directly or through ephemerals): dbt
    builds selected nodes only after the hook, so that parent must already exist, or the build would fail halfway
    on a missing table. Say so before anything is built, naming both and the ways out. -#}
{% macro self_heal_check_between(node_ids, needs) %}
  {%- set readers = {} -%}
  {%- for uid in node_ids if uid in needs.between -%}
    {%- set queue = graph.nodes[uid].depends_on.get('nodes', []) | list -%}
    {%- set seen = {} -%}
    {%- for parent in queue if parent not in seen and parent in graph.nodes -%}
      {%- do seen.update({parent: true}) -%}
      {%- set node = graph.nodes[parent] -%}
      {%- if node.config.materialized == 'ephemeral' -%}
        {%- do queue.extend(node.depends_on.get('nodes', [])) -%}
      {%- elif parent in needs.selected -%}
        {%- do readers.setdefault(parent, []).append(graph.nodes[uid].name) -%}
      {%- endif -%}
    {%- endfor -%}
  {%- endfor -%}
  {%- if not readers -%}{{ return([]) }}{%- endif -%}
  {%- set keys = {} -%}
  {%- for parent in readers -%}
    {%- set rel = dbt_self_heal.self_heal_relation(graph.nodes[parent]) -%}
    {%- do keys.update({parent: dbt_self_heal.self_heal_relation_key(rel.database, rel.schema, rel.identifier)}) -%}
  {%- endfor -%}
  {%- set existing = dbt_self_heal.self_heal_inspect(keys.values() | list).relations -%}
  {%- set problems = [] -%}
  {%- for parent, names in readers.items() if keys[parent] not in existing -%}
    {%- set name = graph.nodes[parent].name -%}
    {%- do problems.append(names | unique | join(', ') ~ " (not selected, needed by this run) read"
        ~ ("s" if names | unique | list | length == 1 else "") ~ " " ~ name ~ ", which this run selects and "
        ~ "which does not exist yet: dbt builds selected nodes after the self-heal hook, so the hook cannot build "
        ~ "them first. Select them too (e.g. `--select " ~ name ~ "+`), or build " ~ name ~ " first with `dbt build "
        ~ "--select " ~ name ~ "`, then rerun.") -%}
  {%- endfor -%}
  {{ return(problems) }}
{% endmacro %}
