{#- The heal's transaction and its lock. DuckDB: dbt-duckdb opens a transaction with a statement that auto-begins,
    and the database file is locked by one writer at a time, so concurrent runs never meet. Postgres: dbt-postgres
    sends no BEGIN of its own (its statements run in autocommit), so the transaction is opened with an explicit
    `begin`; many runs share one server, so a transaction-scoped advisory lock (keyed on the database and the state
    schema) is taken before the check and released by the commit or rollback, also when the client dies. -#}

{#- Before the check: serialise with concurrent runs. A no-op where the database does it (DuckDB). -#}
{% macro self_heal_lock(settings) %}
  {{ return(adapter.dispatch('self_heal_lock', 'dbt_self_heal')(settings)) }}
{% endmacro %}

{% macro default__self_heal_lock(settings) %}{{ return(none) }}{% endmacro %}

{#- Waits, polling pg_try_advisory_xact_lock, for at most var self_heal_lock_timeout seconds, then stops the run
    naming the session that holds the lock (pg_stat_activity). dbt filled its relation cache before the hook ran,
    while another run may have been creating the state and record tables: they are looked up again here. -#}
{% macro postgres__self_heal_lock(settings) %}
  {%- set engine = dbt_self_heal.self_heal_engine() -%}
  {%- if engine.get('locked') -%}{{ return(none) }}{%- endif -%}
  {%- do adapter.dispatch('self_heal_begin', 'dbt_self_heal')() -%}
  {%- set key = (local_md5(target.database ~ '.' ~ settings.state_schema))[:7] | int(base=16) -%}
  {%- set attempt -%}
    select pg_try_advisory_xact_lock(1399, {{ key }}) as locked,
           (select string_agg(c.relname, ',') from pg_catalog.pg_class as c
            join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
            where n.nspname = {{ dbt_self_heal.self_heal_sql_string(settings.state_schema) }}
              and c.relname in ({{ dbt_self_heal.self_heal_sql_string(settings.state_table) }},
                                {{ dbt_self_heal.self_heal_sql_string(settings.record_table) }})) as tables
  {%- endset -%}
  {%- set started = modules.datetime.datetime.now() -%}
  {%- set ns = namespace(row=run_query(attempt).rows[0], waited=false) -%}
  {%- for _ in range(((settings.lock_timeout | float) / 0.2) | int + 2) if not ns.row[0] -%}
    {%- set holder = dbt_self_heal.self_heal_lock_holder(key) -%}
    {%- if not ns.waited -%}
      {%- set ns.waited = true -%}
      {%- do dbt_self_heal.self_heal_emit({'event': 'lock_wait', 'holder': holder},
          "another run is healing this database (" ~ holder ~ "); waiting up to " ~ settings.lock_timeout
          ~ "s (var self_heal_lock_timeout), then checking again") -%}
    {%- endif -%}
    {%- if (modules.datetime.datetime.now() - started).total_seconds() > settings.lock_timeout -%}
      {{ exceptions.raise_compiler_error("self_heal waited " ~ settings.lock_timeout ~ "s for the heal of another run "
          ~ "on database " ~ target.database ~ " (state schema " ~ settings.state_schema ~ "), held by " ~ holder
          ~ ". Nothing was built. Rerun when it has finished, end that session (select pg_terminate_backend(pid)) "
          ~ "if it is stuck, or raise var self_heal_lock_timeout.") }}
    {%- endif -%}
    {%- do run_query("select pg_sleep(0.2)") -%}
    {%- set ns.row = run_query(attempt).rows[0] -%}
  {%- endfor -%}
  {%- for name in (ns.row[1] or '').split(',') if name -%}
    {%- do adapter.cache_added(api.Relation.create(database=target.database, schema=settings.state_schema,
                                                   identifier=name, type='table')) -%}
  {%- endfor -%}
  {%- do engine.update({'locked': true, 'lock_waited': ns.waited}) -%}
{% endmacro %}

{#- Who holds the heal's advisory lock, as pg_stat_activity describes that session. -#}
{% macro self_heal_lock_holder(key) %}
  {%- set rows = run_query("select a.pid, coalesce(a.usename, ''), coalesce(a.application_name, ''), "
      ~ "coalesce(cast(a.client_addr as varchar), 'local'), cast(date_trunc('second', a.xact_start) as varchar) "
      ~ "from pg_catalog.pg_locks as l join pg_catalog.pg_stat_activity as a on a.pid = l.pid "
      ~ "where l.locktype = 'advisory' and l.granted and l.classid = 1399 and l.objid = " ~ key
      ~ " and l.objsubid = 2 and l.pid <> pg_backend_pid()").rows -%}
  {%- if not rows -%}{{ return("a session that has just released it") }}{%- endif -%}
  {{ return("pid " ~ rows[0][0] ~ ", user " ~ rows[0][1] ~ ", application '" ~ rows[0][2] ~ "', client " ~ rows[0][3]
            ~ ", transaction started " ~ rows[0][4]) }}
{% endmacro %}

{#- self_heal_begin, called as adapter.dispatch('self_heal_begin', 'dbt_self_heal'):
    Open the heal's transaction, as dbt's connection knows it: statements that auto-begin then join it. -#}
{% macro default__self_heal_begin() %}
  {%- call statement('self_heal_begin', auto_begin=true) -%}select 1{%- endcall -%}
{% endmacro %}

{#- dbt-postgres's begin sends nothing (add_begin_query is a no-op): the `begin` is sent here, once. -#}
{% macro postgres__self_heal_begin() %}
  {%- set engine = dbt_self_heal.self_heal_engine() -%}
  {%- if engine.get('in_transaction') -%}{{ return(none) }}{%- endif -%}
  {%- call statement('self_heal_begin', auto_begin=true) -%}begin{%- endcall -%}
  {%- do engine.update({'in_transaction': true}) -%}
{% endmacro %}

{#- Commit the heal's transaction (and so release its lock). -#}
{% macro self_heal_commit() %}
  {%- do adapter.commit() -%}
  {%- do dbt_self_heal.self_heal_engine().update({'in_transaction': false, 'locked': false}) -%}
{% endmacro %}

{#- End the check without a heal: what the check wrote (marks, verified digests) is committed and the lock released.
    Nothing to do where no transaction was opened for the check (DuckDB). -#}
{% macro self_heal_release() %}
  {#- The engine's state, looked up without creating it: a hook that never began a transaction never made one. -#}
  {%- if (context.get('self_heal__engine_state') or {}).get('in_transaction') -%}{%- do dbt_self_heal.self_heal_commit() -%}{%- endif -%}
{% endmacro %}

{#- self_heal_commit_attempt, called as adapter.dispatch('self_heal_commit_attempt', 'dbt_self_heal'):
    Make the state row of an attempt outlive the heal's transaction, so a run dbt ends mid-build leaves a trace.
    DuckDB: whatever the check left open (dbt's relation cache lists a schema it has not seen in a transaction of its
    own) is committed with the row. Postgres: committing would release the advisory lock that keeps a concurrent run
    from healing the same relations, so the row rides in the heal's transaction (package README, support table). -#}
{% macro default__self_heal_commit_attempt() %}
  {%- do adapter.dispatch('self_heal_begin', 'dbt_self_heal')() -%}
  {%- do dbt_self_heal.self_heal_commit() -%}
{% endmacro %}

{% macro postgres__self_heal_commit_attempt() %}{{ return(none) }}{% endmacro %}
