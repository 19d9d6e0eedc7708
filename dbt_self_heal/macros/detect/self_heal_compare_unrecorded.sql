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
  {%- set candidates = [] -%}
  {%- for uid in check.unrecorded if uid not in check.foreign_kinds and graph.nodes[uid].resource_type != 'snapshot'
                                    and graph.nodes[uid].config.materialized != 'incremental' -%}
    {%- do candidates.append(uid) -%}
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
