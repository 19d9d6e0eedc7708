{#- Tables whose foreign keys reference the given tables, directly or through other referencing tables:
    [(dependent key, referenced key)], keys as self_heal_relation_key makes them. The adapter's query
    (self_heal_fk_dependents_sql) takes the wanted keys as SQL string literals; an adapter without one has none. -#}
{% macro self_heal_fk_dependents(keys) %}
  {%- set wanted = [] -%}
  {%- for key in keys -%}{%- do wanted.append(dbt_self_heal.self_heal_sql_string(key)) -%}{%- endfor -%}
  {%- set sql = adapter.dispatch('self_heal_fk_dependents_sql', 'dbt_self_heal')(wanted | join(', ')) -%}
  {%- set rows = [] -%}
  {%- for row in (run_query(sql).rows if sql else []) -%}{%- do rows.append((row[0], row[1])) -%}{%- endfor -%}
  {{ return(rows) }}
{% endmacro %}

{#- Elsewhere a referenced table is replaced without a refusal from the adapter, so nothing is added or refused. -#}
{% macro default__self_heal_fk_dependents_sql(wanted) %}{{ return('') }}{% endmacro %}

{#- DuckDB refuses to drop or rename a table a foreign key references, and its foreign keys never cross schemas
    (dbt-duckdb's drop_foreign_key_dependents walks the same catalog function). -#}
{% macro duckdb__self_heal_fk_dependents_sql(wanted) %}
  {%- set sql -%}
    with recursive fks as (
      select lower(if(database_name = current_database(), '', database_name || '.') || schema_name || '.') as prefix,
             lower(table_name) as dependent, lower(referenced_table) as referenced
      from duckdb_constraints()
      where constraint_type = 'FOREIGN KEY' and lower(table_name) <> lower(referenced_table)
    ),
    walk(dependent_key, referenced_key) as (
      select prefix || dependent, prefix || referenced from fks where prefix || referenced in ({{ wanted }})
      union
      select fks.prefix || fks.dependent, fks.prefix || fks.referenced
      from fks join walk on fks.prefix || fks.referenced = walk.dependent_key
    )
    select dependent_key, referenced_key from walk order by 1, 2
  {%- endset -%}
  {{ return(sql) }}
{% endmacro %}

{#- dbt-postgres replaces a table by renaming it aside and dropping it with CASCADE, which silently drops every
    foreign key that references it (the referencing tables stay, without their constraint). Foreign keys may cross
    schemas, never databases. -#}
{% macro postgres__self_heal_fk_dependents_sql(wanted) %}
  {%- set sql -%}
    with recursive fks as (
      select distinct lower(dn.nspname || '.' || dc.relname) as dependent,
                      lower(rn.nspname || '.' || rc.relname) as referenced
      from pg_catalog.pg_constraint as k
      join pg_catalog.pg_class as dc on dc.oid = k.conrelid
      join pg_catalog.pg_namespace as dn on dn.oid = dc.relnamespace
      join pg_catalog.pg_class as rc on rc.oid = k.confrelid
      join pg_catalog.pg_namespace as rn on rn.oid = rc.relnamespace
      where k.contype = 'f' and k.conrelid <> k.confrelid
    ),
    walk(dependent_key, referenced_key) as (
      select dependent, referenced from fks where referenced in ({{ wanted }})
      union
      select fks.dependent, fks.referenced from fks join walk on fks.referenced = walk.dependent_key
    )
    select dependent_key, referenced_key from walk order by 1, 2
  {%- endset -%}
  {{ return(sql) }}
{% endmacro %}
