{#- What to rebuild: missing, wrong-kind and stale relations, and relations without a record, by var
    self_heal_unrecorded: 'adopt' (the default) keeps one whose kind and columns are what its node builds today
    (as check['compared'] from self_heal_compare_unrecorded says) and rebuilds the others, planning those compared
    only once their parents are rebuilt; 'rebuild' rebuilds them all. Incremental models, snapshots and the models
    the heal cannot build, without a record, are always adopted: the first two may hold history that only they have,
    the others are read as they are by plain dbt (one of another kind than its materialization leaves keeps that
    kind in its record, which the kind check then accepts).
    Without a comparison (self_heal_status does not compile nodes) an unrecorded relation of the right kind is
    counted as adopted. -#}
{% macro self_heal_rebuild_set(check, settings) %}
  {%- if flags.EMPTY -%}
    {#- Plain `dbt --empty` never touches a relation it does not select: only missing ones are built (empty);
        existing ones are kept, whatever their records say, and stay unverified for the next full run. -#}
    {%- do check.update({'kept': check.wrong_kind + check.stale + check.unrecorded, 'held': [], 'lost': []}) -%}
    {{ return({'rebuild': check.missing, 'adopt': []}) }}
  {%- endif -%}
  {%- set rebuild = check.missing + check.wrong_kind -%}
  {#- Running an incremental model again is safe only when it replaces what it adds (a unique_key, with a
      strategy other than append); one that appends would add its rows a second time when the run that should
      process them comes. Such a stale incremental is held as it is, and said so. -#}
  {#- A relation the heal cannot build (self_heal_check_buildable: a Python or external model, ...) that exists is
      read as it is by plain dbt: stale, it is held too, with why; without a record, it is adopted. -#}
  {%- set unbuildable = dbt_self_heal.self_heal_check_buildable(check.stale + check.unrecorded, reasons=true)
        if check.stale or check.unrecorded else {} -%}
  {%- set held = [] -%}
  {#- An incremental model built under --empty holds no history: it is built again from scratch (as with
      --full-refresh), not run incrementally over its empty table, which would add nothing to it. -#}
  {%- set from_scratch = [] -%}
  {%- set incremental = [] -%}
  {#- A record marked unfinished by another run that is still connected (PostgreSQL): that run may be building the
      relation now, and rebuilding it here at the same time could fail or add an incremental's rows twice. It is
      kept as it is, as plain dbt, not selecting it, keeps it; that run records it when it ends. -#}
  {%- set marked = [] -%}
  {%- for uid in check.stale
        if ((check.records.get(check['keys'][uid]) or {}).get('fingerprint') or '').startswith('unfinished:') -%}
    {%- do marked.append(uid) -%}
  {%- endfor -%}
  {%- set others = dbt_self_heal.self_heal_other_runs() if marked else [] -%}
  {%- for uid in marked if others and uid not in unbuildable -%}
    {%- do unbuildable.update({uid: "another run was building it and is still connected to this database ("
        ~ others | join(', ') ~ "): it is kept as it is until that run records it; if that run was interrupted, a "
        ~ "run after it rebuilds it"}) -%}
  {%- endfor -%}
  {%- for uid in check.stale -%}
    {%- set config = graph.nodes[uid].config -%}
    {%- if config.materialized == 'incremental'
          and '"empty": true' in ((check.records.get(check['keys'][uid]) or {}).get('parts') or '') -%}
      {%- do from_scratch.append(uid) -%}
    {%- endif -%}
    {#- One that must fail on new columns would stop the run where plain dbt, not selecting it, succeeds. -#}
    {#- One whose code reads a var this run does not set, with no default, cannot be compiled in this run. -#}
    {%- set unset = dbt_self_heal.self_heal_unset_vars(graph.nodes[uid], check) if uid not in unbuildable else [] -%}
    {%- if unset -%}
      {%- do unbuildable.update({uid: "it reads var '" ~ unset | join("', '") ~ "', which this run does not set, so it "
          ~ "cannot be compiled in this run (plain dbt does not compile it either); pass --vars '{" ~ unset[0]
          ~ ": ...}' to bring it up to date"}) -%}
    {%- endif -%}
    {%- if config.materialized == 'incremental' and config.get('on_schema_change') == 'fail' and uid not in unbuildable
          and uid not in from_scratch -%}
      {%- do unbuildable.update({uid: "it is an incremental model with on_schema_change='fail', which fails when its "
          ~ "columns changed (then add --full-refresh)"}) -%}
    {%- endif -%}
    {%- if uid in from_scratch -%}
      {%- do rebuild.append(uid) -%}
    {%- elif uid in unbuildable or (config.materialized == 'incremental'
          and (not config.get('unique_key') or config.get('incremental_strategy') == 'append')) -%}
      {%- do held.append(uid) -%}
    {%- else -%}
      {%- do rebuild.append(uid) -%}
      {#- Run incrementally over what it holds: the heal first checks its columns (self_heal_heal). -#}
      {%- if config.materialized == 'incremental' -%}{%- do incremental.append(uid) -%}{%- endif -%}
    {%- endif -%}
  {%- endfor -%}
  {%- do check.update({'held': held, 'unbuildable': unbuildable, 'lost': dbt_self_heal.self_heal_lost(check),
                       'from_scratch': from_scratch, 'incremental': incremental}) -%}
  {%- set adopt = [] -%}
  {%- for uid in check.unrecorded -%}
    {%- set node = graph.nodes[uid] -%}
    {%- if node.config.materialized == 'incremental' or node.resource_type == 'snapshot' or uid in unbuildable -%}
      {%- do adopt.append(uid) -%}
    {%- elif settings.unrecorded == 'rebuild' or uid in check.foreign_kinds -%}
      {%- do rebuild.append(uid) -%}
      {%- do check.reasons.update({uid: "it has no fingerprint record (built outside these hooks)"
          ~ ("; it is a " ~ check.foreign_kinds[uid] ~ " but " ~ node.name ~ " is materialized as "
             ~ node.config.materialized if uid in check.foreign_kinds else "")}) -%}
    {%- elif uid in (check.get('compared') or {}).get('differs', {}) -%}
      {%- do rebuild.append(uid) -%}
      {%- do check.reasons.update({uid: "it has no fingerprint record (built outside these hooks) and "
                                        ~ check.compared.differs[uid]}) -%}
    {%- elif uid in (check.get('compared') or {}).get('later', []) -%}
      {%- do rebuild.append(uid) -%}
      {%- do check.reasons.update({uid: "it has no fingerprint record (built outside these hooks): compared with what "
          ~ node.name ~ " builds once its parents are rebuilt, and kept if its columns are the same"}) -%}
    {%- else -%}
      {%- do adopt.append(uid) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return({'rebuild': rebuild, 'adopt': adopt}) }}
{% endmacro %}

{#- Missing incremental models that have a record: each was built here before and may have held rows that earlier
    runs added (other simulation years), which rebuilding it from one run cannot bring back. -#}
{% macro self_heal_lost(check) %}
  {%- set lost = [] -%}
  {%- for uid in check.missing if graph.nodes[uid].config.materialized == 'incremental'
                                 and check.records.get(check['keys'][uid]) is not none -%}
    {%- do lost.append(uid) -%}
  {%- endfor -%}
  {{ return(lost) }}
{% endmacro %}
