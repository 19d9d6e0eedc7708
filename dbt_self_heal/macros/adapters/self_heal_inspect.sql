{#- The single check of a run: in ONE query, which of the given relations exist and of what kind, their fingerprint
    records, and the size and modification time of the files fingerprints cover.
    Returns {'relations': {key: 'table' | 'view'}, 'records': {key: {...}}, 'files': {path: 'size:mtime'}}. -#}
{% macro self_heal_inspect(keys, record_relation=none, paths=[], before='') %}
  {{ return(adapter.dispatch('self_heal_inspect', 'dbt_self_heal')(keys, record_relation, paths, before)) }}
{% endmacro %}

{% macro default__self_heal_inspect(keys, record_relation, paths, before) %}
  {{ exceptions.raise_compiler_error(dbt_self_heal.self_heal_unsupported_adapter()) }}
{% endmacro %}

{#- DuckDB's catalog functions answer in milliseconds (information_schema.tables is a wide view over them);
    read_blob without its content column reads no file data, and skips paths that do not exist. `before`: a statement
    run first in the same round trip (DuckDB runs every statement of the text and returns the last one's rows). -#}
{% macro duckdb__self_heal_inspect(keys, record_relation, paths, before) %}
  {%- set found = {'relations': {}, 'records': {}, 'files': {}} -%}
  {#- self_heal_sql_string, inline: this runs on every run, once per needed relation. -#}
  {%- set wanted = "('" ~ (keys | map('replace', "'", "''") | join("', '")) ~ "')" -%}
  {%- set sql -%}
    {%- if before %}{{ before }};
    {% endif -%}
    select 'relation' as what, relation_key, kind, null as parts, null as built_at, null as files, null as verified from (
      select lower(if(database_name = current_database(), '', database_name || '.') || schema_name || '.' || table_name)
             as relation_key, 'table' as kind
      from duckdb_tables()
      union all
      select lower(if(database_name = current_database(), '', database_name || '.') || schema_name || '.' || view_name),
             'view' from duckdb_views() where not internal
    ) where relation_key in {{ wanted }}
    {%- if record_relation is not none %}
    union all
    select 'record', relation, fingerprint, parts, cast(built_at as varchar), files, verified_digest from {{ record_relation }}
    where relation in {{ wanted }}
    {%- endif %}
    {%- if paths %}
    union all
    select 'file', filename, cast(size as varchar) || ':' || cast(epoch_ms(last_modified) as varchar), null, null, null, null
    from read_blob(['{{ paths | map('replace', "'", "''") | join("', '") }}'])
    {%- endif %}
  {%- endset -%}
  {%- for what, key, value, parts, built_at, files, verified in run_query(sql).rows -%}
    {%- if what == 'relation' -%}{%- do found.relations.update({key: value}) -%}
    {%- elif what == 'record' -%}
      {%- do found.records.update({key: {'fingerprint': value, 'parts': parts, 'built_at': built_at, 'files': files,
                                        'verified': verified}}) -%}
    {%- else -%}{%- do found.files.update({key: value}) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(found) }}
{% endmacro %}

{#- pg_class answers for the current database only (Postgres has no cross-database queries, and dbt-postgres builds
    nowhere else). Files live on the client, which the server cannot read: their times come from dbt's own
    read of the project (self_heal_client_file_stats). `before` runs first in the same round trip (psycopg2 returns
    the last statement's rows). -#}
{% macro postgres__self_heal_inspect(keys, record_relation, paths, before) %}
  {%- set found = {'relations': {}, 'records': {}, 'files': dbt_self_heal.self_heal_client_file_stats(paths)} -%}
  {#- self_heal_sql_string, inline: this runs on every run, once per needed relation. -#}
  {%- set wanted = "('" ~ (keys | map('replace', "'", "''") | join("', '")) ~ "')" -%}
  {%- set sql -%}
    {%- if before %}{{ before }};
    {% endif -%}
    select 'relation' as what, lower(n.nspname || '.' || c.relname) as relation_key,
           case c.relkind when 'v' then 'view' when 'm' then 'materialized_view' else 'table' end as kind,
           null as parts, null as built_at, null as files, null as verified
    from pg_catalog.pg_class as c join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p', 'v', 'm', 'f') and lower(n.nspname || '.' || c.relname) in {{ wanted }}
    {%- if record_relation is not none %}
    union all
    select 'record', relation, fingerprint, parts, cast(built_at as varchar), files, verified_digest from {{ record_relation }}
    where relation in {{ wanted }}
    {%- endif %}
  {%- endset -%}
  {%- for what, key, value, parts, built_at, files, verified in run_query(sql).rows -%}
    {%- if what == 'relation' -%}{%- do found.relations.update({key: value}) -%}
    {%- else -%}
      {%- do found.records.update({key: {'fingerprint': value, 'parts': parts, 'built_at': built_at, 'files': files,
                                        'verified': verified}}) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(found) }}
{% endmacro %}
