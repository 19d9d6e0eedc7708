{#- The state table: one row per healing attempt (InitializationState of the spec). -#}
{% macro self_heal_state_ddl() %}
  {%- set relation = dbt_self_heal.self_heal_state_relation() -%}
  {{ return("create schema if not exists " ~ adapter.quote(relation.database) ~ "." ~ adapter.quote(relation.schema) ~ ";\n"
     ~ "create table if not exists " ~ relation ~ " (
    invocation_id varchar primary key,
    dbt_command varchar,
    state varchar not null check (state in ('not_started', 'in_progress', 'completed', 'failed')),
    started_at timestamp,
    completed_at timestamp,
    duration_seconds double,
    relations_missing varchar,
    relations_healed varchar,
    plan varchar,
    steps varchar,
    error varchar
  )") }}
{% endmacro %}

{% macro self_heal_sql_timestamp(iso_timestamp) %}
  {%- if iso_timestamp is none -%}{{ return('null') }}{%- endif -%}
  {{ return("cast(" ~ dbt_self_heal.self_heal_sql_string(iso_timestamp[:23]) ~ " as timestamp)") }}
{% endmacro %}

{#- Attempts left in_progress by a process that died: mark them failed and say so. -#}
{% macro self_heal_close_interrupted() %}
  {%- set relation = dbt_self_heal.self_heal_state_relation() -%}
  {%- set rows = run_query("select invocation_id, cast(started_at as varchar), dbt_command from " ~ relation
                           ~ " where state = 'in_progress' and invocation_id <> " ~ dbt_self_heal.self_heal_sql_string(invocation_id)
                           ~ " order by started_at").rows -%}
  {%- for row in rows -%}
    {%- do run_query("update " ~ relation ~ " set state = 'failed', completed_at = " ~ dbt_self_heal.self_heal_sql_timestamp(dbt_self_heal.self_heal_now())
        ~ ", error = 'interrupted: the process stopped before initialization finished; its transaction was rolled back'"
        ~ " where invocation_id = " ~ dbt_self_heal.self_heal_sql_string(row[0])) -%}
    {%- do dbt_self_heal.self_heal_emit({'event': 'previous_interrupted', 'previous_invocation_id': row[0], 'previous_started_at': row[1]},
        "the previous initialization (dbt " ~ row[2] ~ ", started " ~ row[1] ~ " UTC, invocation " ~ row[0]
        ~ ") was interrupted; nothing it built was kept. Retrying from a clean state.") -%}
  {%- endfor -%}
  {{ return(rows | length) }}
{% endmacro %}

{#- Commit an in_progress row before the healing transaction opens, so a crash leaves a trace the next run finds. -#}
{% macro self_heal_record_attempt(plan, started_at, missing_names, table_exists) %}
  {%- set relation = dbt_self_heal.self_heal_state_relation() -%}
  {%- if not table_exists -%}{%- do run_query(dbt_self_heal.self_heal_state_ddl()) -%}{%- endif -%}
  {%- do run_query("insert into " ~ relation
      ~ " (invocation_id, dbt_command, state, started_at, relations_missing, plan, steps) values ("
      ~ dbt_self_heal.self_heal_sql_string(invocation_id) ~ ", " ~ dbt_self_heal.self_heal_sql_string(flags.WHICH) ~ ", 'in_progress', "
      ~ dbt_self_heal.self_heal_sql_timestamp(started_at) ~ ", " ~ dbt_self_heal.self_heal_sql_string(tojson(missing_names)) ~ ", "
      ~ dbt_self_heal.self_heal_sql_string(tojson(plan)) ~ ", '[]')") -%}
  {%- do adapter.cache_added(relation) -%}
{% endmacro %}

{#- The fingerprint record table (created with the state table, in the same transaction as the first heal). -#}
{% macro self_heal_record_ddl() %}
  {%- set relation = dbt_self_heal.self_heal_record_relation() -%}
  {{ return("create schema if not exists " ~ adapter.quote(relation.database) ~ "." ~ adapter.quote(relation.schema) ~ ";\n"
     ~ "create table if not exists " ~ relation ~ " (
    relation varchar primary key,
    unique_id varchar not null,
    fingerprint varchar not null,
    parts varchar,
    files varchar,
    built_at timestamp,
    invocation_id varchar,
    built_by varchar,
    verified_digest varchar
  )") }}
{% endmacro %}

{#- Record the current fingerprints of relations just built (`built_by`: self_heal, dbt or adopted). -#}
{% macro self_heal_record_fingerprints(node_ids, fingerprints, stats, hashes, built_by, record_exists, digest) %}
  {%- if not node_ids -%}{{ return(none) }}{%- endif -%}
  {%- if not record_exists -%}
    {%- do run_query(dbt_self_heal.self_heal_record_ddl()) -%}
    {%- do adapter.cache_added(dbt_self_heal.self_heal_record_relation()) -%}
  {%- endif -%}
  {%- set now = dbt_self_heal.self_heal_sql_timestamp(dbt_self_heal.self_heal_now()) -%}
  {%- set rows = [] -%}
  {%- for uid in node_ids -%}
    {%- set node = graph.nodes[uid] -%}
    {%- set files = {} -%}
    {%- for path in dbt_self_heal.self_heal_node_files(node).values() -%}
      {%- do files.update({path: [stats.get(path), hashes.get(path)]}) -%}
    {%- endfor -%}
    {%- do rows.append("(" ~ dbt_self_heal.self_heal_sql_string(dbt_self_heal.self_heal_relation_key(node.database, node.schema, node.alias))
        ~ ", " ~ dbt_self_heal.self_heal_sql_string(uid)
        ~ ", " ~ dbt_self_heal.self_heal_sql_string(fingerprints[uid].fingerprint)
        ~ ", " ~ dbt_self_heal.self_heal_sql_string(tojson(fingerprints[uid].parts, sort_keys=true))
        ~ ", " ~ dbt_self_heal.self_heal_sql_string(tojson(files)) ~ ", " ~ now
        ~ ", " ~ dbt_self_heal.self_heal_sql_string(invocation_id) ~ ", " ~ dbt_self_heal.self_heal_sql_string(built_by)
        ~ ", " ~ ('null' if digest is none else dbt_self_heal.self_heal_sql_string(digest)) ~ ")") -%}
  {%- endfor -%}
  {%- do run_query("insert or replace into " ~ dbt_self_heal.self_heal_record_relation() ~ " values\n" ~ rows | join(",\n")) -%}
{% endmacro %}

{#- Relations checked fresh under this project digest: the next run with the same digest skips fingerprinting them. -#}
{% macro self_heal_record_verified(keys, digest) %}
  {%- if not keys -%}{{ return(none) }}{%- endif -%}
  {%- set quoted = [] -%}
  {%- for key in keys -%}{%- do quoted.append(dbt_self_heal.self_heal_sql_string(key)) -%}{%- endfor -%}
  {%- do run_query("update " ~ dbt_self_heal.self_heal_record_relation() ~ " set verified_digest = "
      ~ dbt_self_heal.self_heal_sql_string(digest) ~ " where relation in (" ~ quoted | join(', ') ~ ")") -%}
{% endmacro %}

{#- The records of the relations dbt itself is about to build in this run, as one statement (the hook's own, so it
    costs no extra round trip), or '' when there are none. Marked `unfinished` (healing on) or removed (healing off)
    before dbt builds them, so a run that never reaches its on-run-end hook (interrupted, killed, a failing
    on-run-end hook before this package's) cannot leave a record describing the relation as it was before; the
    on-run-end hook records what dbt built. -#}
{% macro self_heal_unfinished_sql(selected, record_exists, forget=false) %}
  {%- set kinds = {'run': ['model'], 'build': ['model', 'seed'], 'seed': ['seed'], 'retry': ['model', 'seed']}.get(flags.WHICH, []) -%}
  {%- if not kinds or not selected or not record_exists -%}{{ return('') }}{%- endif -%}
  {%- set keys = [] -%}
  {%- set home = target.database | lower -%}
  {%- for uid in selected if uid in graph.nodes -%}
    {%- set node = graph.nodes[uid] -%}
    {%- if node.resource_type in kinds and node.config.materialized != 'ephemeral' -%}
      {#- self_heal_relation_key, inline. -#}
      {%- do keys.append("'" ~ ((('' if (node.database or home) | lower == home else node.database ~ '.')
                                 ~ node.schema ~ '.' ~ node.alias) | lower | replace("'", "''")) ~ "'") -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if not keys -%}{{ return('') }}{%- endif -%}
  {%- set relation = dbt_self_heal.self_heal_record_relation() -%}
  {%- if forget -%}
    {{ return("delete from " ~ relation ~ " where relation in (" ~ keys | join(', ') ~ ")") }}
  {%- endif -%}
  {#- The old fingerprint stays behind the mark: what dbt then skips is restored by self_heal_restore_unbuilt. -#}
  {{ return("update " ~ relation ~ " set fingerprint = 'unfinished:' || fingerprint, verified_digest = null"
      ~ " where relation in (" ~ keys | join(', ') ~ ") and not starts_with(fingerprint, 'unfinished:')") }}
{% endmacro %}

{#- In the on-run-end hook: selected relations dbt did not touch after all (skipped after a failure upstream, or
    cancelled) are as they were, so their marks come off. Failed ones keep it: a failure after the commit (a
    post-hook outside the transaction) may have left a new relation. -#}
{% macro self_heal_restore_unbuilt(selected, statuses) %}
  {%- if not dbt_self_heal.self_heal_record_table_ours() -%}{{ return(none) }}{%- endif -%}
  {%- set kinds = {'run': ['model'], 'build': ['model', 'seed'], 'seed': ['seed'], 'retry': ['model', 'seed']}.get(flags.WHICH, []) -%}
  {%- set unbuilt = [] -%}
  {%- for uid in selected if uid in graph.nodes and statuses.get(uid, 'skipped') == 'skipped' -%}
    {%- set node = graph.nodes[uid] -%}
    {%- if node.resource_type in kinds and node.config.materialized != 'ephemeral' -%}{%- do unbuilt.append(uid) -%}{%- endif -%}
  {%- endfor -%}
  {%- do dbt_self_heal.self_heal_mark_unfinished(unbuilt, mark=false) -%}
{% endmacro %}

{#- Whether the record table exists and is this package's: a project node of that name (refused when healing is on)
    must never see the package's statements. -#}
{% macro self_heal_record_table_ours() %}
  {%- set settings = dbt_self_heal.self_heal_settings() -%}
  {%- set name, schema, home = settings.record_table | lower, settings.state_schema | lower, target.database | lower -%}
  {%- for node in graph.nodes.values() if node.resource_type in ['seed', 'model', 'snapshot'] -%}
    {%- if node.alias | lower == name and node.schema | lower == schema and (node.database or home) | lower == home -%}
      {{ return(false) }}
    {%- endif -%}
  {%- endfor -%}
  {{ return(adapter.get_relation(target.database, settings.state_schema, settings.record_table) is not none) }}
{% endmacro %}

{#- Mark (or unmark) the records of these nodes unfinished: a mark makes the next run rebuild them. -#}
{% macro self_heal_mark_unfinished(node_ids, mark=true) %}
  {%- set keys = [] -%}
  {%- for uid in node_ids -%}
    {%- set node = graph.nodes[uid] -%}
    {%- do keys.append(dbt_self_heal.self_heal_sql_string(dbt_self_heal.self_heal_relation_key(node.database, node.schema, node.alias))) -%}
  {%- endfor -%}
  {%- if not keys -%}{{ return(none) }}{%- endif -%}
  {%- set sql = "update " ~ dbt_self_heal.self_heal_record_relation() ~ " set "
      ~ ("fingerprint = 'unfinished:' || fingerprint, verified_digest = null" if mark else "fingerprint = substr(fingerprint, 12)")
      ~ " where relation in (" ~ keys | join(', ') ~ ") and " ~ ("not " if mark else "")
      ~ "starts_with(fingerprint, 'unfinished:')" -%}
  {#- Unmarking happens after the heal's commit: on its own, committed at once (no transaction is open). -#}
  {%- call statement('self_heal_mark', auto_begin=mark) -%}{{ sql }}{%- endcall -%}
{% endmacro %}
