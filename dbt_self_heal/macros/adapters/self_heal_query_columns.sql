{#- The columns a query returns, in order, as [name (lower case), type], without running it for rows. Both sides of a
    column comparison go through this one macro, so their type names are spelled alike. -#}
{% macro self_heal_query_columns(sql) %}
  {{ return(adapter.dispatch('self_heal_query_columns', 'dbt_self_heal')(sql)) }}
{% endmacro %}

{% macro default__self_heal_query_columns(sql) %}
  {%- set columns = [] -%}
  {%- for column in get_column_schema_from_query(sql) -%}
    {%- do columns.append([column.name | lower, column.data_type | lower]) -%}
  {%- endfor -%}
  {{ return(columns) }}
{% endmacro %}

{#- DESCRIBE binds the query and reports DuckDB's own type names without executing it. -#}
{% macro duckdb__self_heal_query_columns(sql) %}
  {%- set columns = [] -%}
  {%- for row in run_query("describe select * from (\n" ~ sql ~ "\n) as self_heal_columns").rows -%}
    {%- do columns.append([row[0] | lower, row[1] | lower]) -%}
  {%- endfor -%}
  {{ return(columns) }}
{% endmacro %}
