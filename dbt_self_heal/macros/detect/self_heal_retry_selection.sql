{#- What `dbt retry` will run: dbt hands hooks no selected_resources during a retry, so read the previous run's
    run_results.json (from --state, else the target path) as dbt's retry task does and take the nodes whose status
    it retries (warnings too under --warn-error, as dbt's retry adds them). -#}
{% macro self_heal_retry_selection() %}
  {%- set config = adapter.config -%}
  {%- set state = (flags.STATE or config.target_path) | string -%}
  {%- set folder = state if state.startswith('/') else config.project_root ~ '/' ~ state -%}
  {%- set statuses = ['error', 'fail', 'skipped', 'runtime error', 'partial success'] + (['warn'] if flags.WARN_ERROR else []) -%}
  {{ return(dbt_self_heal.self_heal_retry_results(folder ~ '/run_results.json', statuses)) }}
{% endmacro %}
