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
      (self_heal_rebuild_set), models whose SQL needs its sql_header or a pre-hook to run first (a temporary
      macro or table): describing them alone fails, and running their hooks for a check is not a check; models
      with post-hooks (one may add the columns the relation has); and models that cannot be compiled or described
      in this run, where plain dbt reads them as they are: one reading a var this run does not set and its code
      gives no default, or one reading a source or selected relation that does not exist. -#}
  {%- set candidates = [] -%}
  {%- set outside = {} -%}
  {%- for uid in check.unrecorded if uid not in check.foreign_kinds -%}
    {%- set node = graph.nodes[uid] -%}
    {%- if node.resource_type != 'snapshot' and node.config.materialized != 'incremental'
           and node.get('language', 'sql') == 'sql' and not node.config.get('sql_header')
           and not (node.config.get('pre-hook') or node.config.get('pre_hook'))
           and not (node.config.get('post-hook') or node.config.get('post_hook'))
           and not dbt_self_heal.self_heal_unset_vars(node, check) -%}
      {%- do candidates.append(uid) -%}
      {%- for parent in dbt_self_heal.self_heal_read_parents(node) if parent not in check['keys'] -%}
        {%- set other = graph.sources.get(parent) or graph.nodes[parent] -%}
        {%- do outside.update({parent: dbt_self_heal.self_heal_relation_key(other.database, other.schema,
                                                                           other.identifier if parent in graph.sources else other.alias)}) -%}
      {%- endfor -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set present = dbt_self_heal.self_heal_inspect(outside.values() | list).relations if outside else {} -%}
  {%- set unreadable = {} -%}
  {%- set order = dbt_self_heal.self_heal_build_order(candidates) -%}
  {%- for uid in order.seeds + order.models -%}
    {%- set node = graph.nodes[uid] -%}
    {%- set parents = dbt_self_heal.self_heal_read_parents(node) -%}
    {%- set absent = [] -%}
    {%- for parent in parents if (parent in outside and outside[parent] not in present) or parent in unreadable -%}
      {%- do absent.append(parent) -%}
    {%- endfor -%}
    {%- if absent -%}
      {#- It reads a relation that does not exist (or one adopted for that reason, a view over it): adopted as it
          is, as plain dbt reads it. -#}
      {%- do unreadable.update({uid: true}) -%}
    {%- elif parents | select('in', changing) | list -%}
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

{#- The relations a node's SQL reads: its parents, through ephemeral ones (sources and nodes). -#}
{% macro self_heal_read_parents(node) %}
  {%- set parents = [] -%}
  {%- set queue = node.depends_on.get('nodes', []) | list -%}
  {%- for parent in queue -%}
    {%- if parent in graph.nodes and graph.nodes[parent].config.materialized == 'ephemeral' -%}
      {%- do queue.extend(graph.nodes[parent].depends_on.get('nodes', [])) -%}
    {%- else -%}
      {%- do parents.append(parent) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(parents) }}
{% endmacro %}

{#- The vars a node reads that this run does not set (its fingerprint has them as none) and that its code, or a macro
    it calls, reads with no default (`var('name')`): compiling the node in this run fails, as plain dbt's would if it
    selected the node. -#}
{% macro self_heal_unset_vars(node, check) %}
  {%- set unset = [] -%}
  {%- set vars = (((check.fingerprints or {}).get(node.unique_id) or {}).get('parts') or {}).get('vars') or {} -%}
  {%- for name, value in vars.items() if value is none and not name.startswith('target.') -%}
    {%- set texts = [node.raw_code or ''] -%}
    {%- set manifest = dbt_self_heal.self_heal_engine().manifest -%}
    {%- for macro_id in node.depends_on.macros if macro_id in manifest.macros -%}{%- do texts.append(manifest.macros[macro_id].macro_sql) -%}{%- endfor -%}
    {%- if modules.re.search("\\bvar\\s*\\(\\s*['\"]" ~ modules.re.escape(name) ~ "['\"]\\s*\\)", texts | join('\n')) -%}
      {%- do unset.append(name) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(unset) }}
{% endmacro %}
