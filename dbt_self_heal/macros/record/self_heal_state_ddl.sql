{#- The state table: one row per healing attempt (InitializationState of the spec). -#}
{% macro self_heal_state_ddl() %}
  {%- set relation = dbt_self_heal.self_heal_state_relation() -%}
  {{ return(adapter.dispatch('self_heal_create_schema_sql', 'dbt_self_heal')(relation.database, relation.schema) ~ ";\n"
     ~ "create table if not exists " ~ relation ~ " (
    invocation_id varchar primary key,
    dbt_command varchar,
    state varchar not null check (state in ('not_started', 'in_progress', 'completed', 'failed')),
    started_at timestamp,
    completed_at timestamp,
    duration_seconds double precision,
    relations_missing varchar,
    relations_healed varchar,
    plan varchar,
    steps varchar,
    error varchar
  )") }}
{% endmacro %}
