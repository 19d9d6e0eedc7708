{#- Existing tables the heal replaces that other tables reference through a foreign key. DuckDB cannot replace
    them, and dbt-duckdb drops (and restores) a referencing table only when the run rebuilds it afterwards;
    dbt-postgres replaces them, but its DROP ... CASCADE silently drops the referencing tables' foreign keys. A
    referencing table that dbt builds in this run, or that the heal already plans, is fine; another one built by a
    table model whose parents exist is derived, so the heal rebuilds it too, after the table it references; any other
    (incremental, not built by dbt, parents missing) stops the heal before anything is built, naming both tables and
    what to run. Returns {'add': [ids, added to the plan], 'problems': [messages]}. -#}
{% macro self_heal_foreign_keys(rebuild, check) %}
  {%- set replaced = {} -%}
  {%- for uid in rebuild if uid not in check.missing and graph.nodes[uid].resource_type == 'model'
                             and check.kinds.get(check['keys'][uid]) == 'table' -%}
    {%- do replaced.update({check['keys'][uid]: uid}) -%}
  {%- endfor -%}
  {%- set rows = dbt_self_heal.self_heal_fk_dependents(replaced.keys() | list) if replaced else [] -%}
  {%- if not rows -%}{{ return({'add': [], 'problems': []}) }}{%- endif -%}
  {%- set by_key = {} -%}
  {%- for node in graph.nodes.values() if node.resource_type in ['model', 'seed', 'snapshot']
                                          and node.config.materialized != 'ephemeral' -%}
    {%- do by_key.update({dbt_self_heal.self_heal_relation_key(node.database, node.schema, node.alias): node.unique_id}) -%}
  {%- endfor -%}
  {%- set planned = {} -%}
  {%- for uid in rebuild -%}{%- do planned.update({uid: true}) -%}{%- endfor -%}
  {%- set built_by_dbt = selected_resources if flags.WHICH in ['build', 'run'] else [] -%}
  {%- set rule = "DuckDB cannot replace a table that a foreign key references" if adapter.type() == 'duckdb'
        else "replacing a table drops the foreign keys that reference it, as dbt drops the old table with CASCADE" -%}
  {%- set result = {'add': [], 'problems': []} -%}
  {%- set seen = {} -%}
  {%- for dependent_key, referenced_key in rows if dependent_key not in seen -%}
    {%- do seen.update({dependent_key: true}) -%}
    {%- set uid = by_key.get(dependent_key) -%}
    {%- set referenced = by_key.get(referenced_key) -%}
    {%- if uid is none or (uid not in planned and uid not in built_by_dbt) -%}
      {%- set node = graph.nodes.get(uid) if uid else none -%}
      {%- set parents = [] -%}
      {%- set queue = (node.depends_on.get('nodes', []) | list) if node else [] -%}
      {%- for parent in queue if parent in graph.nodes -%}
        {%- if graph.nodes[parent].config.materialized == 'ephemeral' -%}
          {%- do queue.extend(graph.nodes[parent].depends_on.get('nodes', [])) -%}
        {%- elif parent not in planned -%}
          {%- do parents.append(parent) -%}
        {%- endif -%}
      {%- endfor -%}
      {%- set parent_keys = [] -%}
      {%- for parent in parents -%}
        {%- do parent_keys.append(dbt_self_heal.self_heal_relation_key(graph.nodes[parent].database, graph.nodes[parent].schema,
                                                                       graph.nodes[parent].alias)) -%}
      {%- endfor -%}
      {%- set existing = dbt_self_heal.self_heal_inspect(parent_keys).relations if parent_keys else {} -%}
      {%- set absent = parent_keys | reject('in', existing) | list -%}
      {%- set name = node.name if node else dependent_key -%}
      {%- set target = graph.nodes[referenced].name if referenced in graph.nodes else referenced_key -%}
      {%- if node and node.resource_type == 'model' and node.config.materialized == 'table' and not absent
            and referenced in node.depends_on.get('nodes', []) -%}
        {%- do result.add.append(uid) -%}
        {%- do planned.update({uid: true}) -%}
        {%- do check.reasons.update({uid: "it references " ~ target ~ " through a foreign key, and " ~ target
            ~ " is rebuilt (" ~ rule ~ ")"}) -%}
      {%- else -%}
        {%- set why = "it is not built by a dbt model of this project" if not node
              else "its parents " ~ absent | join(', ') ~ " do not exist" if absent
              else "it is " ~ (node.config.materialized if node.resource_type == 'model' else 'a ' ~ node.resource_type)
                   ~ ", which the heal does not rebuild from scratch" if node.config.materialized != 'table'
              else "its foreign key does not ref() " ~ target -%}
        {%- do result.problems.append(target ~ " must be rebuilt, but table " ~ name ~ " references it through a "
            ~ "foreign key, and " ~ rule ~ "; the heal cannot rebuild " ~ name ~ " with it ("
            ~ why ~ "). Run `dbt build --select " ~ target ~ " " ~ name ~ "` (with --full-refresh if " ~ name
            ~ " may be rebuilt from scratch), then rerun.") -%}
      {%- endif -%}
    {%- endif -%}
  {%- endfor -%}
  {#- Added nodes are recorded like the others (their fingerprints and keys, beside the needed nodes'). -#}
  {%- if result.add -%}
    {%- do check.fingerprints.update(dbt_self_heal.self_heal_fingerprints(result.add, check.hashes, check.fingerprints)) -%}
    {%- for uid in result.add -%}
      {%- do check['keys'].update({uid: dbt_self_heal.self_heal_relation_key(graph.nodes[uid].database, graph.nodes[uid].schema,
                                                                             graph.nodes[uid].alias)}) -%}
    {%- endfor -%}
  {%- endif -%}
  {{ return(result) }}
{% endmacro %}
