{#- Under `self_heal_unrecorded: adopt`, the unrecorded relations of the right kind (built before these hooks, or with
    them off), in DAG order: the same columns as their node builds now, or not. One whose parents this run changes
    (missing, of the wrong kind, stale, or compared later) can only be compared once they are rebuilt: the heal
    compares it when its turn comes. Sets check['compared'] = {'differs': {id: reason}, 'later': [ids]}, which the
    plan reads (self_heal_rebuild_set). Touches the database (one compile and two DESCRIBEs per relation), so it is
    a detection step of the hook, run only when there are unrecorded relations. -#}
{% macro self_heal_compare_unrecorded(check, settings) %}
  {%- set compared = {'differs': {}, 'later': []} -%}
  {%- do check.update({'compared': compared}) -%}
  {%- if settings.unrecorded != 'adopt' or flags.EMPTY -%}{{ return(compared) }}{%- endif -%}
  {%- set changing = {} -%}
  {%- for uid in check.missing + check.wrong_kind + check.stale + (check.foreign_kinds.keys() | list) -%}
    {%- do changing.update({uid: true}) -%}
  {%- endfor -%}
  {#- Compared: those whose columns can be read from their compiled SQL alone. Incremental models and snapshots are
      adopted as they are (their rows may hold history only they have); so are the models the heal cannot build
      (self_heal_rebuild_set), and models whose SQL needs its sql_header or a pre-hook to run first (a temporary
      macro or table): describing them alone fails, and running their hooks for a check is not a check. -#}
  {%- set candidates = [] -%}
  {%- for uid in check.unrecorded if uid not in check.foreign_kinds -%}
    {%- set node = graph.nodes[uid] -%}
    {%- if node.resource_type != 'snapshot' and node.config.materialized != 'incremental'
           and node.get('language', 'sql') == 'sql' and not node.config.get('sql_header')
           and not (node.config.get('pre-hook') or node.config.get('pre_hook')) -%}
      {%- do candidates.append(uid) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set order = dbt_self_heal.self_heal_build_order(candidates) -%}
  {%- for uid in order.seeds + order.models -%}
    {%- set node = graph.nodes[uid] -%}
    {%- set parents = [] -%}
    {%- set queue = node.depends_on.get('nodes', []) | list -%}
    {%- for parent in queue -%}
      {%- if parent in graph.nodes and graph.nodes[parent].config.materialized == 'ephemeral' -%}
        {%- do queue.extend(graph.nodes[parent].depends_on.get('nodes', [])) -%}
      {%- else -%}
        {%- do parents.append(parent) -%}
      {%- endif -%}
    {%- endfor -%}
    {%- if parents | select('in', changing) | list -%}
      {%- do compared.later.append(uid) -%}
      {%- do changing.update({uid: true}) -%}
    {%- else -%}
      {%- set difference = dbt_self_heal.self_heal_column_difference(node, check) -%}
      {%- if difference -%}
        {%- do compared.differs.update({uid: difference}) -%}
        {%- do changing.update({uid: true}) -%}
      {%- endif -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(compared) }}
{% endmacro %}
