{#- Seam: how a failed check or heal stops the run before any selected node runs, per dbt version.
    The hook returns failing SQL (self_heal_raise_sql, per adapter): dbt reports the hook as failed, writes run_results.json and runs on-run-end.
    - dbt 1.9-1.12 with the root project's flag `skip_nodes_if_on_run_start_fails: true` (checked against 1.9.11,
      1.10.23, 1.11.16, 1.12.6): dbt then skips every selected node.
    - dbt 1.8 (checked against 1.8.10) has no such flag (task/run.py ignores it) and runs the selected nodes
      anyway; so does 1.9+ when the project leaves the flag off. Nothing in a hook can prevent that on 1.8: its
      safe_run_hooks catches every error the hook raises (catch_jinja turns any exception into a CompilationError,
      a DbtRuntimeError). So the run is marked stopped: self_heal_finalize records nothing
      dbt built in it (it forgets their records, so the next run rebuilds them from healed inputs), and a warning
      says the nodes that follow ran on a workspace that was not healed. -#}
{% macro self_heal_stop_run(message) %}
  {%- do dbt_self_heal.self_heal_run_state().update({'stopped': true}) -%}
  {%- set minor = dbt_self_heal.self_heal_dbt_minor() -%}
  {#- The root project's `flags:` as dbt read them from dbt_project.yml (the Jinja `flags` object shows only the
      command-line flags: skip_nodes_if_on_run_start_fails is never there, 1.8-1.12). -#}
  {%- set skips = (dbt_self_heal.self_heal_resolver().config.flags or {}).get('skip_nodes_if_on_run_start_fails') -%}
  {%- if minor < 1009 or skips is not true -%}
    {%- do dbt_self_heal.self_heal_emit({'event': 'nodes_not_skipped', 'dbt_version': dbt_version},
        "WARNING: dbt " ~ dbt_version ~ (" cannot skip the selected nodes after a failed on-run-start hook"
        if minor < 1009 else " skips the selected nodes after a failed heal only with flags: "
        ~ "{skip_nodes_if_on_run_start_fails: true} in dbt_project.yml") ~ ": they run now on a workspace that was "
        ~ "not healed, and the next run rebuilds what they build.") -%}
  {%- endif -%}
  {{ return(dbt_self_heal.self_heal_raise_sql(message)) }}
{% endmacro %}
