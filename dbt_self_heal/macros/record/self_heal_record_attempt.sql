{#- Commit an in_progress row before the healing transaction opens, so a crash leaves a trace the next run finds. -#}
{% macro self_heal_record_attempt(plan, started_at, missing_names, table_exists) %}
  {%- set relation = dbt_self_heal.self_heal_state_relation() -%}
  {#- The table, when this is the workspace's first heal, is made in the same round trip. -#}
  {%- do run_query(("" if table_exists else dbt_self_heal.self_heal_state_ddl() ~ ";\n") ~ "insert into " ~ relation
      ~ " (invocation_id, dbt_command, state, started_at, relations_missing, plan, steps) values ("
      ~ dbt_self_heal.self_heal_sql_string(invocation_id) ~ ", " ~ dbt_self_heal.self_heal_sql_string(flags.WHICH) ~ ", 'in_progress', "
      ~ dbt_self_heal.self_heal_sql_timestamp(started_at) ~ ", " ~ dbt_self_heal.self_heal_sql_string(tojson(missing_names)) ~ ", "
      ~ dbt_self_heal.self_heal_sql_string(tojson(plan)) ~ ", '[]')") -%}
  {%- do adapter.cache_added(relation) -%}
  {%- do adapter.dispatch('self_heal_commit_attempt', 'dbt_self_heal')() -%}
{% endmacro %}
