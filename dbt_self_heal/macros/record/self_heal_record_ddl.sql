{#- The fingerprint record table (created with the state table, in the same transaction as the first heal). -#}
{% macro self_heal_record_ddl() %}
  {%- set relation = dbt_self_heal.self_heal_record_relation() -%}
  {{ return(adapter.dispatch('self_heal_create_schema_sql', 'dbt_self_heal')(relation.database, relation.schema) ~ ";\n"
     ~ "create table if not exists " ~ relation ~ " (
    relation varchar primary key,
    unique_id varchar not null,
    fingerprint varchar not null,
    parts varchar,
    files varchar,
    built_at timestamp,
    invocation_id varchar,
    built_by varchar,
    verified_digest varchar
  )") }}
{% endmacro %}
