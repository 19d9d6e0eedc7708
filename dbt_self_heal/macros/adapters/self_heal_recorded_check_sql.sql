{#- The statements that check a recorded plan (self_heal_check_recorded), in one round trip: the plan's unfinished
    marks (self_heal_mark_sql), then one row of the plan picked by `plan_row` (its table and condition): needed,
    between_nodes, deferred, paths, verified_digest, then `fresh` (every relation it names exists as the kind it was
    found as, and its record is verified under the plan's digest) and `files` (the stats of the files it names, as
    self_heal_file_stats gives them, in JSON text; null where the server cannot read the client's files). -#}
{% macro self_heal_recorded_check_sql(plan_row, record_relation) %}
  {{ return(adapter.dispatch('self_heal_recorded_check_sql', 'dbt_self_heal')(plan_row, record_relation)) }}
{% endmacro %}

{% macro default__self_heal_recorded_check_sql(plan_row, record_relation) %}
  {{ exceptions.raise_compiler_error(dbt_self_heal.self_heal_unsupported_adapter()) }}
{% endmacro %}

{#- List containment, uncorrelated, plans in about 3 ms; counting over CTEs took 5. read_blob takes no subquery, so
    the paths go through a variable (DuckDB 1.1 and later; the package needs 2.x). -#}
{% macro duckdb__self_heal_recorded_check_sql(plan_row, record_relation) %}
  {{ return(dbt_self_heal.self_heal_mark_sql(record_relation,
        "(select unnest(json_extract_string(built_keys, '$[*]')) from " ~ plan_row ~ ")") ~ ";\n"
    ~ "set variable self_heal_paths = coalesce((select cast(json_extract_string(paths, '$[*]') as varchar[]) from "
    ~ plan_row ~ "), cast([] as varchar[]));\n"
    ~ "select needed, between_nodes, deferred, paths, verified_digest,\n"
    ~ "  list_has_all(coalesce((select list(relation_key || '|' || kind) from " ~ dbt_self_heal.duckdb__self_heal_catalog_sql()
    ~ "), []), json_extract_string(relation_kinds, '$[*]'))\n"
    ~ "  and list_has_all(coalesce((select list(relation) from " ~ record_relation ~ " where verified_digest = "
    ~ "(select verified_digest from " ~ plan_row ~ ")), []), json_extract_string(relation_keys, '$[*]')) as fresh,\n"
    ~ "  " ~ dbt_self_heal.duckdb__self_heal_file_stats_sql("getvariable('self_heal_paths')") ~ " as files\n"
    ~ "from " ~ plan_row) }}
{% endmacro %}

{#- psycopg2 returns the last statement's rows. File stats come from the client (self_heal_file_stats). -#}
{% macro postgres__self_heal_recorded_check_sql(plan_row, record_relation) %}
  {{ return(dbt_self_heal.self_heal_mark_sql(record_relation,
        "(select json_array_elements_text(cast(built_keys as json)) from " ~ plan_row ~ ")") ~ ";\n"
    ~ "with plan as (select * from " ~ plan_row ~ "),\n"
    ~ "wanted as (select json_array_elements_text(cast(relation_kinds as json)) as found from plan),\n"
    ~ "needed_keys as (select json_array_elements_text(cast(relation_keys as json)) as relation from plan)\n"
    ~ "select needed, between_nodes, deferred, paths, verified_digest,\n"
    ~ "  (select count(*) from " ~ dbt_self_heal.postgres__self_heal_catalog_sql()
    ~ " as catalog where relation_key || '|' || kind in (select found from wanted)) = (select count(*) from wanted)\n"
    ~ "  and (select count(*) from " ~ record_relation ~ " where relation in (select relation from needed_keys)"
    ~ " and verified_digest = (select verified_digest from plan)) = (select count(*) from needed_keys) as fresh,\n"
    ~ "  null as files\nfrom plan") }}
{% endmacro %}
