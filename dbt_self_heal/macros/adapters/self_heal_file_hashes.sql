{#- self_heal_file_hashes, called as adapter.dispatch('self_heal_file_hashes', 'dbt_self_heal'):
    Content hashes of files (one query), for the files whose size or modification time changed since recorded. -#}
{% macro default__self_heal_file_hashes(paths) %}
  {{ exceptions.raise_compiler_error(dbt_self_heal.self_heal_unsupported_adapter()) }}
{% endmacro %}

{% macro duckdb__self_heal_file_hashes(paths) %}
  {%- set hashes = {} -%}
  {%- set sql -%}
    select filename, md5(content) from read_blob([
      {%- for path in paths -%}{{ dbt_self_heal.self_heal_sql_string(path) }}{{ ', ' if not loop.last }}{%- endfor -%}])
  {%- endset -%}
  {%- for row in run_query(sql).rows -%}{%- do hashes.update({row[0]: row[1]}) -%}{%- endfor -%}
  {{ return(hashes) }}
{% endmacro %}

{#- The files are the client's (seeds over 1 MiB, whose content dbt does not hash): read on the client as agate reads a
    seed, every field as text, and hashed from that. Only files dbt read while parsing are hashed (their stats come
    from there too, self_heal_client_file_stats); others count as absent. -#}
{% macro postgres__self_heal_file_hashes(paths) %}
  {%- set hashes = {} -%}
  {%- set stats = dbt_self_heal.self_heal_client_file_stats(paths) -%}
  {%- set types = dbt_self_heal.self_heal_agate_types() -%}
  {%- for path in paths if path in stats -%}
    {%- set count = types.reader.from_csv(path, row_limit=0, encoding='utf-8-sig').column_names | length -%}
    {%- set table = types.reader.from_csv(path, column_types=[types.text] * count, encoding='utf-8-sig') -%}
    {%- set rows = [table.column_names | list] -%}
    {%- for row in table.rows -%}{%- do rows.append(row | list) -%}{%- endfor -%}
    {%- do hashes.update({path: local_md5(tojson(rows))}) -%}
  {%- endfor -%}
  {{ return(hashes) }}
{% endmacro %}
