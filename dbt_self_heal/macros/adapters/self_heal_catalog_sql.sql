{#- A subquery of every relation in the database as (relation_key, kind): relation_key as self_heal_relation_key
    writes it, kind 'table' or 'view' (and Postgres' 'materialized_view'). For self_heal_inspect and the recorded
    plan's check (self_heal_recorded_check_sql). -#}
{% macro self_heal_catalog_sql() %}
  {{ return(adapter.dispatch('self_heal_catalog_sql', 'dbt_self_heal')()) }}
{% endmacro %}

{% macro default__self_heal_catalog_sql() %}
  {{ exceptions.raise_compiler_error(dbt_self_heal.self_heal_unsupported_adapter()) }}
{% endmacro %}

{#- DuckDB's catalog functions answer in milliseconds (information_schema.tables is a wide view over them). The
    `system` catalog holds no relation dbt builds, and listing it makes DuckDB create its built-in views the first
    time a process asks (about 4 ms of a healthy hook's one statement): both functions skip it. -#}
{% macro duckdb__self_heal_catalog_sql() %}
  {{ return("(select lower(if(database_name = current_database(), '', database_name || '.') || schema_name || '.'
             || table_name) as relation_key, 'table' as kind from duckdb_tables()
             where database_name <> 'system'
      union all
      select lower(if(database_name = current_database(), '', database_name || '.') || schema_name || '.' || view_name),
             'view' from duckdb_views() where database_name <> 'system' and not internal)") }}
{% endmacro %}

{#- pg_class answers for the current database only (Postgres has no cross-database queries, and dbt-postgres builds
    nowhere else). -#}
{% macro postgres__self_heal_catalog_sql() %}
  {{ return("(select lower(n.nspname || '.' || c.relname) as relation_key,
             case c.relkind when 'v' then 'view' when 'm' then 'materialized_view' else 'table' end as kind
      from pg_catalog.pg_class as c join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'v', 'm', 'f'))") }}
{% endmacro %}
