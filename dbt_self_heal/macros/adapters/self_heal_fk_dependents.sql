{#- Tables whose foreign keys reference the given tables, directly or through other referencing tables:
    [(dependent key, referenced key)], keys as self_heal_relation_key makes them. -#}
{% macro self_heal_fk_dependents(keys) %}
  {{ return(adapter.dispatch('self_heal_fk_dependents', 'dbt_self_heal')(keys)) }}
{% endmacro %}

{#- Elsewhere a referenced table is replaced without a refusal from the adapter, so nothing is added or refused. -#}
{% macro default__self_heal_fk_dependents(keys) %}
  {{ return([]) }}
{% endmacro %}

{#- DuckDB refuses to drop or rename a table a foreign key references, and its foreign keys never cross schemas
    (dbt-duckdb's drop_foreign_key_dependents walks the same catalog function). -#}
{% macro duckdb__self_heal_fk_dependents(keys) %}
  {%- set wanted = [] -%}
  {%- for key in keys -%}{%- do wanted.append(dbt_self_heal.self_heal_sql_string(key)) -%}{%- endfor -%}
  {%- set sql -%}
    with recursive fks as (
      select lower(if(database_name = current_database(), '', database_name || '.') || schema_name || '.') as prefix,
             lower(table_name) as dependent, lower(referenced_table) as referenced
      from duckdb_constraints()
      where constraint_type = 'FOREIGN KEY' and lower(table_name) <> lower(referenced_table)
    ),
    walk(dependent_key, referenced_key) as (
      select prefix || dependent, prefix || referenced from fks where prefix || referenced in ({{ wanted | join(', ') }})
      union
      select fks.prefix || fks.dependent, fks.prefix || fks.referenced
      from fks join walk on fks.prefix || fks.referenced = walk.dependent_key
    )
    select dependent_key, referenced_key from walk order by 1, 2
  {%- endset -%}
  {%- set rows = [] -%}
  {%- for row in run_query(sql).rows -%}{%- do rows.append((row[0], row[1])) -%}{%- endfor -%}
  {{ return(rows) }}
{% endmacro %}
