{% macro self_heal_refuse_lost(check, check_started) %}
  {%- set problems = [] -%}
  {%- for uid in check.lost -%}
    {%- set name = graph.nodes[uid].name -%}
    {%- do problems.append(name ~ " (incremental) is missing, but it was built here before (recorded "
        ~ check.records[check['keys'][uid]].built_at ~ ") and may have held rows that earlier runs added (other "
        ~ "simulation years, say), which rebuilding it from this run alone would silently drop. Rebuild it "
        ~ "deliberately: `dbt run --select " ~ name ~ "` once for every period it should hold, then rerun.") -%}
  {%- endfor -%}
  {{ return(dbt_self_heal.self_heal_refuse_run(problems, check_started)) }}
{% endmacro %}
