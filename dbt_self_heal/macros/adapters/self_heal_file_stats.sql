{#- The size and modification time of files, {path: stat}, for the project digest (self_heal_project_digest):
    a file's stat changes when it is written. Paths that do not exist are left out. -#}
{% macro self_heal_file_stats(paths) %}
  {%- if not paths -%}{{ return({}) }}{%- endif -%}
  {{ return(adapter.dispatch('self_heal_file_stats', 'dbt_self_heal')(paths)) }}
{% endmacro %}

{% macro default__self_heal_file_stats(paths) %}
  {{ exceptions.raise_compiler_error(dbt_self_heal.self_heal_unsupported_adapter()) }}
{% endmacro %}

{% macro duckdb__self_heal_file_stats(paths) %}
  {{ return(fromjson(run_query("select " ~ dbt_self_heal.duckdb__self_heal_file_stats_sql(
      "['" ~ paths | map('replace', "'", "''") | join("', '") ~ "']")).rows[0][0])) }}
{% endmacro %}

{#- A scalar subquery: the stats of the files in `paths_sql` (an SQL list) as one JSON object text. read_blob
    without its content column reads no file data, and skips paths that do not exist. -#}
{% macro duckdb__self_heal_file_stats_sql(paths_sql) %}
  {{ return("(select coalesce(cast(json_group_object(filename, cast(size as varchar) || ':' || "
      ~ "cast(epoch_ms(last_modified) as varchar)) as varchar), '{}') from read_blob(" ~ paths_sql ~ "))") }}
{% endmacro %}

{#- The server cannot read the client's files: their times come from dbt's own read of the project. -#}
{% macro postgres__self_heal_file_stats(paths) %}
  {{ return(dbt_self_heal.self_heal_client_file_stats(paths)) }}
{% endmacro %}

{#- Modification times of client files, as dbt read them while parsing this invocation (manifest.files), as
    {path: 'mtime:<time>'}; files dbt did not read are left out. -#}
{% macro self_heal_client_file_stats(paths) %}
  {%- set stats = {} -%}
  {%- for file in dbt_self_heal.self_heal_engine().manifest.files.values() if file.path.absolute_path in paths -%}
    {%- do stats.update({file.path.absolute_path: 'mtime:' ~ file.path.modification_time}) -%}
  {%- endfor -%}
  {{ return(stats) }}
{% endmacro %}
