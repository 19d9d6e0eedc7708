{#- self_heal_create_schema_sql, called as adapter.dispatch('self_heal_create_schema_sql', 'dbt_self_heal'):
    `create schema if not exists` for a relation's schema. DuckDB qualifies it with the database (a node may live in
    an attached one); Postgres takes no database there (one connection, one database). -#}
{% macro default__self_heal_create_schema_sql(database, schema) %}
  {{ return("create schema if not exists " ~ adapter.quote(schema)) }}
{% endmacro %}

{% macro duckdb__self_heal_create_schema_sql(database, schema) %}
  {{ return("create schema if not exists " ~ adapter.quote(database) ~ "." ~ adapter.quote(schema)) }}
{% endmacro %}
