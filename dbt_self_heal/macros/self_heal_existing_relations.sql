{#- One catalog query: which of the given relation keys exist. Returns a dict key -> true. -#}
{% macro self_heal_existing_relations(keys) %}
  {{ return(adapter.dispatch('self_heal_existing_relations', 'dbt_self_heal')(keys)) }}
{% endmacro %}

{% macro default__self_heal_existing_relations(keys) %}
  {%- set found = {} -%}
  {%- if keys | length == 0 -%}{{ return(found) }}{%- endif -%}
  {%- set sql -%}
    select lower(table_catalog || '.' || table_schema || '.' || table_name) as relation_key
    from information_schema.tables
    where lower(table_catalog || '.' || table_schema || '.' || table_name) in (
      {%- for key in keys -%}{{ dbt_self_heal.self_heal_sql_string(key) }}{{ ', ' if not loop.last }}{%- endfor -%}
    )
  {%- endset -%}
  {%- for row in run_query(sql).rows -%}{%- do found.update({row[0]: true}) -%}{%- endfor -%}
  {{ return(found) }}
{% endmacro %}

{#- DuckDB's own catalog functions answer in a few milliseconds; information_schema.tables is a wide view over them. -#}
{% macro duckdb__self_heal_existing_relations(keys) %}
  {%- set found = {} -%}
  {%- if keys | length == 0 -%}{{ return(found) }}{%- endif -%}
  {%- set wanted -%}
    ({%- for key in keys -%}{{ dbt_self_heal.self_heal_sql_string(key) }}{{ ', ' if not loop.last }}{%- endfor -%})
  {%- endset -%}
  {%- set sql -%}
    select relation_key from (
      select lower(database_name || '.' || schema_name || '.' || table_name) as relation_key from duckdb_tables()
      union all
      select lower(database_name || '.' || schema_name || '.' || view_name) from duckdb_views() where not internal
    ) where relation_key in {{ wanted }}
  {%- endset -%}
  {%- for row in run_query(sql).rows -%}{%- do found.update({row[0]: true}) -%}{%- endfor -%}
  {{ return(found) }}
{% endmacro %}
