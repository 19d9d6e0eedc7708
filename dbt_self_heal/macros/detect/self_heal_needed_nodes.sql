{#- Which relations this run needs but will not build itself: unselected ancestors of the selection, plus nodes
    declared required (meta.self_heal.required) that do not descend from the selection (those are deferred).
    Runs on every invocation, so the per-node work is inline loops rather than helper calls. -#}
{% macro self_heal_needed_nodes(selected_ids, reserved={}) %}
  {%- set selected = {} -%}
  {%- for uid in selected_ids -%}{%- do selected.update({uid: true}) -%}{%- endfor -%}

  {%- set roots = [] -%}
  {%- for uid in selected_ids -%}
    {%- set node = graph.nodes.get(uid) -%}
    {%- if node -%}
      {%- do roots.extend(node.depends_on.get('nodes', [])) -%}
    {%- elif uid.startswith('unit_test.') -%}
      {%- do roots.extend(dbt_self_heal.self_heal_unit_test_roots(uid)) -%}
    {%- endif -%}
  {%- endfor -%}

  {#- Required nodes, and every node's children, in one pass over the graph. -#}
  {%- set required = [] -%}
  {%- set children = {} -%}
  {%- set collisions = [] -%}
  {%- for node in graph.nodes.values() if node.resource_type in ['seed', 'model', 'snapshot'] -%}
    {#- A node whose relation is the state or record table (reserved: {name: schema}, lower case, in the target's
        database) would be overwritten. -#}
    {%- if node.alias | lower in reserved and node.schema | lower == reserved[node.alias | lower] and node.config.enabled
          and (node.database or target.database) | lower == target.database | lower -%}
      {%- do collisions.append(node.unique_id) -%}
    {%- endif -%}
    {%- for parent in node.depends_on.get('nodes', []) -%}
      {%- do children.setdefault(parent, []).append(node.unique_id) -%}
    {%- endfor -%}
    {%- set declared = ((node.config.get('meta') or {}).get('self_heal') or {}).get('required') -%}
    {#- true, or what YAML users also write for it ('true', 'yes', 1). -#}
    {%- if node.unique_id not in selected and node.config.enabled and declared
          and (declared is sameas true or (declared | string | lower) in ['true', 'yes', '1']) -%}
      {%- do required.append(node.unique_id) -%}
    {%- endif -%}
  {%- endfor -%}

  {#- Descendants of the selection: a required node among them is dbt's to build in this run (or the next heal's). -#}
  {%- set downstream = {} -%}
  {%- set queue = selected_ids | list -%}
  {%- for uid in queue -%}
    {%- for child in children.get(uid, []) if child not in downstream -%}
      {%- do downstream.update({child: true}) -%}
      {%- do queue.append(child) -%}
    {%- endfor -%}
  {%- endfor -%}
  {%- set deferred = [] -%}
  {%- for uid in required -%}
    {%- do (deferred if uid in downstream else roots).append(uid) -%}
  {%- endfor -%}

  {#- Ancestors of the roots, breadth-first over the live queue; keep what the hook can and must build. -#}
  {#- Nodes among them whose fingerprints cover files (declared inputs, seeds dbt does not hash) are noted too. -#}
  {%- set seen = {} -%}
  {%- set needed = [] -%}
  {%- set file_readers = [] -%}
  {%- set queue = roots -%}
  {%- for uid in queue if uid not in seen -%}
    {%- do seen.update({uid: true}) -%}
    {%- set node = graph.nodes.get(uid) -%}
    {%- if node -%}
      {#- An unselected snapshot is used as it is (or refused when missing): what feeds it is not this run's need. -#}
      {%- if node.resource_type != 'snapshot' or uid in selected -%}{%- do queue.extend(node.depends_on.get('nodes', [])) -%}{%- endif -%}
      {%- if ((node.config.get('meta') or {}).get('self_heal') or {}).get('inputs')
            or (node.resource_type == 'seed' and node.checksum.name != 'sha256') -%}
        {%- do file_readers.append(uid) -%}
      {%- endif -%}
      {#- dbt-duckdb's table_function makes a table macro, not a relation: used as it is, like plain dbt does. -#}
      {%- if uid not in selected and node.resource_type in ['seed', 'model', 'snapshot'] and node.config.enabled
            and node.config.materialized not in ['ephemeral', 'table_function'] -%}
        {%- do needed.append(uid) -%}
      {%- endif -%}
    {%- endif -%}
  {%- endfor -%}
  {#- Needed nodes that descend from the selection sit between selected nodes: the hook builds them from what the
      selected parents hold before the run (the heal checks those parents exist). -#}
  {%- set between = [] -%}
  {%- for uid in needed if uid in downstream -%}{%- do between.append(uid) -%}{%- endfor -%}
  {{ return({'needed': needed, 'deferred': deferred, 'file_readers': file_readers, 'between': between,
             'selected': selected, 'collisions': collisions, 'required': required}) }}
{% endmacro %}

{#- Unit tests are not in `graph`; the manifest names the model (and version) each one tests, whose parents are the
    test's inputs (self_heal_needed_nodes). An input the test gives as SQL (`format: sql`) is never read: dbt uses
    that SQL instead of the relation, so it is not needed (its relation or source may well not exist). -#}
{% macro self_heal_unit_test_roots(uid) %}
  {%- set roots = [] -%}
  {%- set unit_test = dbt_self_heal.self_heal_dbt_unit_test(uid) -%}
  {%- set given_sql = [] -%}
  {%- for given in (unit_test.given if unit_test else []) if given.format == 'sql' -%}
    {%- do given_sql.append(given.input | replace(' ', '') | replace('"', "'")) -%}
  {%- endfor -%}
  {%- for tested in (unit_test.depends_on.nodes if unit_test else []) if tested in graph.nodes -%}
    {%- for parent in graph.nodes[tested].depends_on.get('nodes', []) -%}
      {%- set node = graph.nodes.get(parent) or graph.sources.get(parent) -%}
      {%- set given = [] -%}
      {%- for input in given_sql if node -%}
        {%- if (node.resource_type == 'source' and input == "source('" ~ node.source_name ~ "','" ~ node.name ~ "')")
              or (node.resource_type != 'source' and input.startswith('ref(') and ("'" ~ node.name ~ "'") in input) -%}
          {%- do given.append(input) -%}
        {%- endif -%}
      {%- endfor -%}
      {%- if not given -%}{%- do roots.append(parent) -%}{%- endif -%}
    {%- endfor -%}
  {%- endfor -%}
  {{ return(roots) }}
{% endmacro %}
