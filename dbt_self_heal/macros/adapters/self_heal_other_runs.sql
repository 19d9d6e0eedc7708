{#- Other dbt runs connected to this database now, as ["pid N (application 'a', connected since T)"]: a relation
    whose record another run marked unfinished (self_heal_mark_sql) may be one that run is building right now
    (self_heal_rebuild_set keeps it as it is). Called only when such a mark is found. -#}
{% macro self_heal_other_runs() %}
  {{ return(adapter.dispatch('self_heal_other_runs', 'dbt_self_heal')()) }}
{% endmacro %}

{#- DuckDB lets one process open the database file: no other run can be building. -#}
{% macro default__self_heal_other_runs() %}{{ return([]) }}{% endmacro %}

{#- A dbt session: dbt-postgres's default application name, or dbt's default query comment on its last statement.
    dbt opens a connection per node and closes it after, so a run between two nodes may show none for a moment. -#}
{% macro postgres__self_heal_other_runs() %}
  {%- set rows = run_query("select pid, coalesce(application_name, ''), "
      ~ "cast(date_trunc('second', backend_start) as varchar) from pg_catalog.pg_stat_activity "
      ~ "where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend' "
      ~ "and (application_name = 'dbt' or query like '/* {\"app\": \"dbt\"%') order by backend_start").rows -%}
  {%- set found = [] -%}
  {%- for row in rows -%}
    {%- do found.append("pid " ~ row[0] ~ " (application '" ~ row[1] ~ "', connected since " ~ row[2] ~ ")") -%}
  {%- endfor -%}
  {{ return(found) }}
{% endmacro %}
