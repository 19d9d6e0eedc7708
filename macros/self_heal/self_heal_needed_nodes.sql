{#- Which relations this run needs but will not build itself: unselected ancestors of the selection, plus nodes
    declared required (meta.self_heal.required) that do not descend from the selection. -#}
{% macro self_heal_needed_nodes(selected_ids) %}
  {%- set selected = {} -%}
  {%- for uid in selected_ids -%}{%- do selected.update({uid: true}) -%}{%- endfor -%}

  {%- set roots = [] -%}
  {%- for uid in selected_ids -%}
    {%- set node = graph.nodes.get(uid) -%}
    {%- if node -%}
      {%- do roots.extend(node.depends_on.get('nodes', [])) -%}
    {%- elif uid.startswith('unit_test.') -%}
      {#- Unit tests are not in `graph`; their inputs are the parents of the model under test. -#}
      {%- set parts = uid.split('.') -%}
      {%- set tested = graph.nodes.get('model.' ~ parts[1] ~ '.' ~ parts[2]) -%}
      {%- if tested -%}{%- do roots.extend(tested.depends_on.get('nodes', [])) -%}{%- endif -%}
    {%- endif -%}
  {%- endfor -%}

  {%- set deferred = [] -%}
  {%- set blocked = selected.copy() -%}
  {%- for node in graph.nodes.values() if node.resource_type in ['seed', 'model'] and node.unique_id not in selected -%}
    {%- if self_heal_is_required(node) -%}
      {%- if self_heal_descends_from(node.unique_id, blocked) -%}
        {%- do deferred.append(node.unique_id) -%}
      {%- else -%}
        {%- do roots.append(node.unique_id) -%}
      {%- endif -%}
    {%- endif -%}
  {%- endfor -%}

  {%- set needed = [] -%}
  {%- set unsupported = [] -%}
  {%- for uid in self_heal_ancestors(roots) if uid not in selected -%}
    {%- set node = graph.nodes.get(uid) -%}
    {%- if node and node.resource_type in ['seed', 'model', 'snapshot'] and node.config.enabled -%}
      {%- if node.resource_type == 'snapshot'
            or node.config.materialized not in ['table', 'view', 'incremental', 'seed', 'ephemeral']
            or node.get('language', 'sql') != 'sql' -%}
        {%- do unsupported.append(uid) -%}
        {%- do needed.append(uid) -%}
      {%- elif node.config.materialized != 'ephemeral' -%}
        {%- do needed.append(uid) -%}
      {%- endif -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return({'needed': needed, 'deferred': deferred, 'unsupported': unsupported}) }}
{% endmacro %}

{#- The node ids in start_ids and all their ancestors, each once. -#}
{% macro self_heal_ancestors(start_ids) %}
  {%- set seen = {} -%}
  {%- set order = [] -%}
  {%- set queue = start_ids | list -%}
  {#- Jinja iterates the live list, so appending to `queue` walks the graph breadth-first. -#}
  {%- for uid in queue if uid not in seen -%}
    {%- do seen.update({uid: true}) -%}
    {%- do order.append(uid) -%}
    {%- set node = graph.nodes.get(uid) -%}
    {%- if node -%}{%- do queue.extend(node.depends_on.get('nodes', [])) -%}{%- endif -%}
  {%- endfor -%}
  {{ return(order) }}
{% endmacro %}

{% macro self_heal_is_required(node) %}
  {%- set declared = (node.config.get('meta') or {}).get('self_heal') or {} -%}
  {{ return(node.config.enabled and declared.get('required', false) is sameas true) }}
{% endmacro %}

{#- Whether the node is, or descends from, a node in `memo` mapped to true (the selection). Memoized per run, so
    deciding this for every required node walks each edge of the DAG at most once. -#}
{% macro self_heal_descends_from(uid, memo) %}
  {%- if uid not in memo -%}
    {%- do memo.update({uid: false}) -%}
    {%- set node = graph.nodes.get(uid) -%}
    {%- for parent in (node.depends_on.get('nodes', []) if node else []) -%}
      {%- if self_heal_descends_from(parent, memo) -%}{%- do memo.update({uid: true}) -%}{%- endif -%}
    {%- endfor -%}
  {%- endif -%}
  {{ return(memo[uid]) }}
{% endmacro %}
