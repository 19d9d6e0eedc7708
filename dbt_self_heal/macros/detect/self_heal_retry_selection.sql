{#- What `dbt retry` will run: dbt hands hooks no selected_resources during a retry, so read the previous run's
    run_results.json (from --state, else the target path) as dbt's retry task does and take the nodes whose status
    it retries (warnings too under --warn-error, as dbt's retry adds them). -#}
{% macro self_heal_retry_selection() %}
  {%- set config = adapter.config -%}
  {%- set state = (flags.STATE or config.target_path) | string -%}
  {%- set folder = state if state.startswith('/') else config.project_root ~ '/' ~ state -%}
  {%- set sql -%}
    select result.unique_id from (
      select unnest(results) as result
      from read_json({{ dbt_self_heal.self_heal_sql_string(folder ~ '/run_results.json') }},
                     maximum_object_size = 1073741824)
    )
    where result.status in ('error', 'fail', 'skipped', 'runtime error', 'partial success'
                            {{- ", 'warn'" if flags.WARN_ERROR else "" }})
      and not starts_with(result.unique_id, 'operation.')
  {%- endset -%}
  {%- set ids = [] -%}
  {%- for row in run_query(sql).rows -%}{%- do ids.append(row[0]) -%}{%- endfor -%}
  {{ return(ids) }}
{% endmacro %}
