{#- on-run-end hook: when healing failed, mark the attempt failed with its error and say how to fix it.
    dbt has rolled the healing transaction back, so the database is as it was before the run. -#}
{% macro self_heal_finalize(wired_by='consumer') %}
  {%- if not execute -%}{{ return('') }}{%- endif -%}
  {%- set settings = dbt_self_heal.self_heal_settings() -%}
  {#- An adapter or dbt version the package cannot serve: on-run-start said so; nothing to record or forget. -#}
  {%- if not settings.served -%}
    {{ return('') }}
  {%- endif -%}
  {%- set shared = dbt_self_heal.self_heal_run_state() -%}
  {%- set run = shared.run -%}
  {%- if run is not none and run.state == 'in_progress' -%}
    {%- do dbt_self_heal.self_heal_record_failure(run) -%}
  {%- endif -%}
  {%- set built = [] -%}
  {#- dbt 1.8 reports a failed on-run-start hook as a result without a node (task/run.py safe_run_hooks). -#}
  {%- set node_results = results | selectattr('node', 'defined') | list -%}
  {#- Snapshots too: recorded, the next run does not take one for a relation built outside these hooks (a snapshot is
      never rebuilt as stale; its record only says dbt built it here). -#}
  {%- for result in node_results if result.status == 'success'
                               and result.node.resource_type in ['model', 'seed', 'snapshot']
                               and result.node.config.materialized != 'ephemeral' -%}
    {%- do built.append(result.node.unique_id) -%}
  {%- endfor -%}
  {%- if wired_by == 'package' and not settings.package_hooks -%}
    {#- The consumer's own on-run-end (dbt runs the root project's hooks first) records what dbt built; when it did
        not run, nothing did, so the records of those relations can no longer be trusted. -#}
    {%- if built and not shared.finalized -%}{%- do dbt_self_heal.self_heal_forget(built) -%}{%- endif -%}
    {{ return('') }}
  {%- endif -%}
  {%- do shared.update({'finalized': true}) -%}
  {%- set check = shared.check -%}
  {%- if check is none or shared.stopped -%}
    {#- No check ran (healing switched off with self_heal_enabled: false), or the heal failed and dbt ran the nodes
        anyway (dbt 1.8, or no skip_nodes_if_on_run_start_fails; self_heal_stop_run): dbt may have rebuilt relations
        from other inputs than their records say, so their records are dropped and the next run with healing on
        treats them as unrecorded (var self_heal_unrecorded) instead of trusting a stale record. -#}
    {%- if built -%}{%- do dbt_self_heal.self_heal_forget(built) -%}{%- endif -%}
    {{ return('') }}
  {%- endif -%}
  {#- dbt built these itself in this run: record their fingerprints, so the next run knows they are current (those
      unchanged under this run's digest in one statement). -#}
  {#- Without records or a digest nothing can be unchanged (self_heal_record_unchanged is then not compiled). -#}
  {%- set changed = dbt_self_heal.self_heal_record_unchanged(built, check)
        if built and check.get('record_exists') and check.get('digest') else built -%}
  {%- if changed -%}{%- do dbt_self_heal.self_heal_record_built(changed, check) -%}{%- endif -%}
  {%- if (check.selected | length) > (built | length) -%}
    {%- set statuses = {} -%}
    {%- for result in node_results -%}{%- do statuses.update({result.node.unique_id: result.status if result.status in ['skipped', 'error'] else 'ran'}) -%}{%- endfor -%}
    {#- Only selected models and seeds dbt did not run can have a mark to take off (most runs: none, and the macro
        that decides is then not compiled; tests are never marked). -#}
    {%- set unsettled = [] -%}
    {%- for uid in check.selected if uid in graph.nodes and graph.nodes[uid].resource_type in ['model', 'seed']
          and statuses.get(uid, 'skipped') != 'ran' -%}
      {%- do unsettled.append(uid) -%}
    {%- endfor -%}
    {%- if unsettled -%}{%- do dbt_self_heal.self_heal_restore_unbuilt(unsettled, statuses) -%}{%- endif -%}
  {%- endif -%}
  {{ return('') }}
{% endmacro %}
