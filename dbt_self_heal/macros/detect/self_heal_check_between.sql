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
