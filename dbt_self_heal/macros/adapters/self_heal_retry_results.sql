{#- The unique_ids in a run_results.json whose status is one of `statuses` (operations left out). -#}
{% macro self_heal_retry_results(path, statuses) %}
  {{ return(adapter.dispatch('self_heal_retry_results', 'dbt_self_heal')(path, statuses)) }}
{% endmacro %}

{% macro default__self_heal_retry_results(path, statuses) %}
  {{ exceptions.raise_compiler_error(dbt_self_heal.self_heal_unsupported_adapter()) }}
{% endmacro %}

{% macro duckdb__self_heal_retry_results(path, statuses) %}
  {%- set sql -%}
    select result.unique_id from (
      select unnest(results) as result
      from read_json({{ dbt_self_heal.self_heal_sql_string(path) }},
                     maximum_object_size = 1073741824)
    )
    where result.status in ({% for status in statuses %}{{ dbt_self_heal.self_heal_sql_string(status) }}{{ ', ' if not loop.last }}{% endfor %})
      and result.unique_id not like 'operation.%'
  {%- endset -%}
  {%- set ids = [] -%}
  {%- for row in run_query(sql).rows -%}{%- do ids.append(row[0]) -%}{%- endfor -%}
  {{ return(ids) }}
{% endmacro %}

{#- The server cannot read the client's run_results.json: agate reads it here, as dbt's own seed loading reads CSVs. -#}
{% macro postgres__self_heal_retry_results(path, statuses) %}
  {%- set results = dbt_self_heal.self_heal_agate_types().reader.from_json(path, key='results') -%}
  {%- set ids = [] -%}
  {%- for row in results.rows if row['status'] in statuses and not row['unique_id'].startswith('operation.') -%}
    {%- do ids.append(row['unique_id']) -%}
  {%- endfor -%}
  {{ return(ids) }}
{% endmacro %}
