{#- Content hashes of files (one query), for the files whose size or modification time changed since recorded. -#}
{% macro self_heal_file_hashes(paths) %}
  {%- set hashes = {} -%}
  {%- if not paths -%}{{ return(hashes) }}{%- endif -%}
  {%- set sql -%}
    select filename, md5(content) from read_blob([
      {%- for path in paths -%}{{ dbt_self_heal.self_heal_sql_string(path) }}{{ ', ' if not loop.last }}{%- endfor -%}])
  {%- endset -%}
  {%- for row in run_query(sql).rows -%}{%- do hashes.update({row[0]: row[1]}) -%}{%- endfor -%}
  {{ return(hashes) }}
{% endmacro %}
