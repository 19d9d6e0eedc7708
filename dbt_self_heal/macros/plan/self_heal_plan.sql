{#- The plan: from a check's findings, what to build (in build order), adopt, hold or refuse, with the reason each
    existing relation is rebuilt. Pure: reads the check and the graph, touches no database, so the on-run-start hook
    and `self_heal_status` decide identically. Returns {'seeds': [...], 'models': [...], 'rebuild': seeds + models,
    'adopt': [...], 'stale': [{relation, unique_id, reason}], 'held': [...], 'lost': [...], 'kept': [...],
    'skipped': [...]}. -#}
{% macro self_heal_plan(check, settings) %}
  {#- Only missing relations (a new workspace, or some dropped): build them all, and nothing existing is rebuilt. -#}
  {%- set replaces = check.wrong_kind or check.stale or check.unrecorded or flags.EMPTY -%}
  {%- if not replaces -%}{%- do check.update({'held': [], 'lost': dbt_self_heal.self_heal_lost(check)}) -%}{%- endif -%}
  {%- set decided = dbt_self_heal.self_heal_rebuild_set(check, settings) if replaces
        else {'rebuild': check.missing, 'adopt': []} -%}
  {#- A missing node the heal does not build (a snapshot, a Python model, ...) is refused, unless what needs it only
      declares it (self_heal_declared_only): then it is left as it is, as plain dbt leaves it. -#}
  {%- set whys = dbt_self_heal.self_heal_check_buildable(decided.rebuild | select('in', check.missing) | list, reasons=true)
        if check.missing else {} -%}
  {%- set skipped = dbt_self_heal.self_heal_declared_only(whys, check) if whys else [] -%}
  {%- set order = dbt_self_heal.self_heal_build_order(decided.rebuild | reject('in', skipped) | list if skipped
                                                      else decided.rebuild) -%}
  {%- set rebuild = order.seeds + order.models -%}
  {{ return({'seeds': order.seeds, 'models': order.models, 'rebuild': rebuild, 'adopt': decided.adopt, 'skipped': skipped,
             'stale': dbt_self_heal.self_heal_stale_list(check, rebuild) if replaces else [],
             'held': check.get('held', []), 'lost': check.get('lost', []), 'kept': check.get('kept', [])}) }}
{% endmacro %}

{#- Of the missing nodes the heal does not build (`whys`: self_heal_check_buildable's {id: why}), those that every
    needed or selected node needing them (directly or through ephemeral parents) only declares: `-- depends on:
    {{ ref('x') }}` (dbt's documented way to force a dependency) or a ref a macro makes, so that no `ref('x')`
    stands in its code outside SQL comments. Plain dbt builds such a reader without x, so x is left out of the plan,
    not refused; a reader the heal builds is checked against its compiled SQL just before it is built
    (self_heal_check_compiled_sources, through check.unsure), and stops the heal there, naming x, if it reads x after
    all. A node nothing in the plan needs (meta.self_heal.required) is still refused. Returns the ids left out. -#}
{% macro self_heal_declared_only(whys, check) %}
  {%- set re = modules.re -%}
  {%- set readers = {} -%}
  {%- set queue = [] -%}
  {%- for uid in (check['keys'] | list) + (check.get('selected') or selected_resources) | list if uid not in whys -%}
    {%- do queue.append((uid, uid)) -%}
  {%- endfor -%}
  {%- set seen = {} -%}
  {%- for uid, reader in queue if (uid ~ '|' ~ reader) not in seen -%}
    {%- do seen.update({uid ~ '|' ~ reader: true}) -%}
    {%- for parent in (graph.nodes.get(uid) or {}).get('depends_on', {}).get('nodes', []) -%}
      {%- if parent in whys -%}
        {%- do readers.setdefault(parent, []).append((reader, uid)) -%}
      {%- elif parent in graph.nodes and graph.nodes[parent].config.materialized == 'ephemeral' -%}
        {%- do queue.append((parent, reader)) -%}
      {%- endif -%}
    {%- endfor -%}
  {%- endfor -%}
  {%- set skipped = [] -%}
  {%- set unsure = check.setdefault('unsure', {}) -%}
  {%- for uid in whys if readers.get(uid) -%}
    {%- set call = re.compile("\\bref\\s*\\(\\s*(['\"][^'\"]*['\"]\\s*,\\s*)?['\"]" ~ re.escape(graph.nodes[uid].name) ~ "['\"]") -%}
    {%- set read = [] -%}
    {%- for reader, declarer in readers[uid]
          if call.search(dbt_self_heal.self_heal_strip_sql_comments(graph.nodes[declarer].raw_code)) -%}
      {%- do read.append(reader) -%}
    {%- endfor -%}
    {%- if not read -%}
      {%- do skipped.append(uid) -%}
      {%- for reader, declarer in readers[uid] -%}{%- do unsure.setdefault(reader, []).append(uid) -%}{%- endfor -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(skipped) }}
{% endmacro %}
