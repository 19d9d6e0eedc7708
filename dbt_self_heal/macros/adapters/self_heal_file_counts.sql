{#- self_heal_file_counts, called as adapter.dispatch('self_heal_file_counts', 'dbt_self_heal'):
    How many files match each path (a glob on DuckDB), in order; none where the database cannot see the client's
    files (Postgres: the server reads only its own filesystem). -#}
{% macro default__self_heal_file_counts(paths) %}{{ return(none) }}{% endmacro %}

{% macro duckdb__self_heal_file_counts(paths) %}
  {%- set sql -%}
    {%- for path in paths -%}
      select {{ loop.index0 }} as i, (select count(*) from glob({{ dbt_self_heal.self_heal_sql_string(path) }})) as n
      {{ 'union all' if not loop.last }}
    {% endfor -%}
  {%- endset -%}
  {%- set counts = [] -%}
  {%- for row in run_query(sql ~ "\norder by i").rows -%}{%- do counts.append(row[1]) -%}{%- endfor -%}
  {{ return(counts) }}
{% endmacro %}
