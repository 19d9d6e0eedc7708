{#- The single check of a run: in ONE query, which of the given relations exist and of what kind, their fingerprint
    records, and the size and modification time of the files fingerprints cover.
    Returns {'relations': {key: 'table' | 'view'}, 'records': {key: {...}}, 'files': {path: 'size:mtime'},
    'plan': none}. `before`: a statement run first in the same round trip (the unfinished marks).
    `plan` ({relation, key, digest}): read the recorded plan of that key and project digest in the same round trip,
    take the relations to look at from it and make its unfinished marks (self_heal_unfinished_sql's statement, in
    SQL) first; 'plan' is then that row (needed, relation_keys, between_nodes, deferred, paths: JSON texts), or
    none when there is no such plan; records then carry their parts only when they hold an adopted kind. -#}
{% macro self_heal_inspect(keys, record_relation=none, paths=[], before='', plan=none) %}
  {{ return(adapter.dispatch('self_heal_inspect', 'dbt_self_heal')(keys, record_relation, paths, before, plan)) }}
{% endmacro %}

{% macro default__self_heal_inspect(keys, record_relation, paths, before, plan) %}
  {{ exceptions.raise_compiler_error(dbt_self_heal.self_heal_unsupported_adapter()) }}
{% endmacro %}

{#- DuckDB's catalog functions answer in milliseconds (information_schema.tables is a wide view over them);
    read_blob without its content column reads no file data, and skips paths that do not exist. DuckDB runs every
    statement of the text and returns the last one's rows. Its columns are named whichever part comes first (agate
    warns about every duplicate name, which costs more than the query). -#}
{% macro duckdb__self_heal_inspect(keys, record_relation, paths, before, plan) %}
  {%- set found = {'relations': {}, 'records': {}, 'files': {}, 'plan': none} -%}
  {%- if plan -%}
    {%- set row = plan.relation ~ " where plan_key = '" ~ plan.key ~ "' and digest = '" ~ plan.digest ~ "'" -%}
    {%- set wanted = "(select unnest(json_extract_string(relation_keys, '$[*]')) from " ~ row ~ ")" -%}
    {%- set before = "update " ~ record_relation ~ " set fingerprint = 'unfinished:' || fingerprint, verified_digest = 'was:' || verified_digest"
          ~ " where relation in (select unnest(json_extract_string(built_keys, '$[*]')) from " ~ row ~ ")"
          ~ " and fingerprint not like 'unfinished:%'" -%}
  {%- else -%}
    {#- self_heal_sql_string, inline: this runs on every run, once per needed relation. -#}
    {%- set wanted = "('" ~ (keys | map('replace', "'", "''") | join("', '")) ~ "')" -%}
  {%- endif -%}
  {%- set parts = [] -%}
  {%- if keys or plan -%}
    {%- do parts.append("select 'relation' as what, relation_key, kind, null as parts, null as built_at, null as files,
           null as verified from (
      select lower(if(database_name = current_database(), '', database_name || '.') || schema_name || '.' || table_name)
             as relation_key, 'table' as kind
      from duckdb_tables()
      union all
      select lower(if(database_name = current_database(), '', database_name || '.') || schema_name || '.' || view_name),
             'view' from duckdb_views() where not internal
    ) where relation_key in " ~ wanted) -%}
  {%- endif -%}
  {%- if record_relation is not none -%}
    {#- A healthy run reads a record's parts only for the kind it was adopted as (the rest is for stale reasons). -#}
    {%- do parts.append("select 'record', relation, fingerprint, "
          ~ ("case when parts like '%adopted_kind%' then parts end" if plan else "parts")
          ~ ", cast(built_at as varchar), files, verified_digest from " ~ record_relation ~ " where relation in " ~ wanted) -%}
  {%- endif -%}
  {%- if paths -%}
    {%- do parts.append("select 'file' as what, filename, cast(size as varchar) || ':' || cast(epoch_ms(last_modified) as varchar),"
          ~ " null as parts, null as built_at, null as files, null as verified from read_blob(['" ~ paths | map('replace', "'", "''") | join("', '") ~ "'])") -%}
  {%- endif -%}
  {%- if plan -%}
    {%- do parts.append("select 'plan', needed, relation_keys, between_nodes, deferred, paths, null as verified from " ~ row) -%}
  {%- endif -%}
  {%- if not parts -%}{{ return(found) }}{%- endif -%}
  {%- for what, key, value, recorded_parts, built_at, files, verified in run_query((before ~ ";\n" if before else "")
        ~ parts | join("\nunion all\n")).rows -%}
    {%- if what == 'relation' -%}{%- do found.relations.update({key: value}) -%}
    {%- elif what == 'record' -%}
      {%- do found.records.update({key: {'fingerprint': value, 'parts': recorded_parts, 'built_at': built_at, 'files': files,
                                        'verified': verified}}) -%}
    {%- elif what == 'file' -%}{%- do found.files.update({key: value}) -%}
    {%- else -%}{%- do found.update({'plan': [key, value, recorded_parts, built_at, files]}) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(found) }}
{% endmacro %}

{#- pg_class answers for the current database only (Postgres has no cross-database queries, and dbt-postgres builds
    nowhere else). Files live on the client, which the server cannot read: their times come from dbt's own
    read of the project (self_heal_client_file_stats). psycopg2 returns the last statement's rows. -#}
{% macro postgres__self_heal_inspect(keys, record_relation, paths, before, plan) %}
  {%- set found = {'relations': {}, 'records': {}, 'files': dbt_self_heal.self_heal_client_file_stats(paths), 'plan': none} -%}
  {%- if plan -%}
    {%- set row = plan.relation ~ " where plan_key = '" ~ plan.key ~ "' and digest = '" ~ plan.digest ~ "'" -%}
    {%- set wanted = "(select json_array_elements_text(cast(relation_keys as json)) from " ~ row ~ ")" -%}
    {%- set before = "update " ~ record_relation ~ " set fingerprint = 'unfinished:' || fingerprint, verified_digest = 'was:' || verified_digest"
          ~ " where relation in (select json_array_elements_text(cast(built_keys as json)) from " ~ row ~ ")"
          ~ " and fingerprint not like 'unfinished:%'" -%}
  {%- else -%}
    {%- set wanted = "('" ~ (keys | map('replace', "'", "''") | join("', '")) ~ "')" -%}
  {%- endif -%}
  {%- set parts = [] -%}
  {%- if keys or plan -%}
    {%- do parts.append("select 'relation' as what, lower(n.nspname || '.' || c.relname) as relation_key,
           case c.relkind when 'v' then 'view' when 'm' then 'materialized_view' else 'table' end as kind,
           null as parts, null as built_at, null as files, null as verified
    from pg_catalog.pg_class as c join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p', 'v', 'm', 'f') and lower(n.nspname || '.' || c.relname) in " ~ wanted) -%}
  {%- endif -%}
  {%- if record_relation is not none -%}
    {#- A healthy run reads a record's parts only for the kind it was adopted as (the rest is for stale reasons). -#}
    {%- do parts.append("select 'record', relation, fingerprint, "
          ~ ("case when parts like '%adopted_kind%' then parts end" if plan else "parts")
          ~ ", cast(built_at as varchar), files, verified_digest from " ~ record_relation ~ " where relation in " ~ wanted) -%}
  {%- endif -%}
  {%- if plan -%}
    {%- do parts.append("select 'plan', needed, relation_keys, between_nodes, deferred, paths, null as verified from " ~ row) -%}
  {%- endif -%}
  {%- if not parts -%}{{ return(found) }}{%- endif -%}
  {%- for what, key, value, recorded_parts, built_at, files, verified in run_query((before ~ ";\n" if before else "")
        ~ parts | join("\nunion all\n")).rows -%}
    {%- if what == 'relation' -%}{%- do found.relations.update({key: value}) -%}
    {%- elif what == 'record' -%}
      {%- do found.records.update({key: {'fingerprint': value, 'parts': recorded_parts, 'built_at': built_at, 'files': files,
                                        'verified': verified}}) -%}
    {%- else -%}{%- do found.update({'plan': [key, value, recorded_parts, built_at, files]}) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(found) }}
{% endmacro %}
