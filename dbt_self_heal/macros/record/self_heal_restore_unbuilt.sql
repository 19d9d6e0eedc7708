{#- In the on-run-end hook: selected relations dbt did not touch after all (skipped after a failure upstream, or
    cancelled) are as they were, so their marks come off; so do those that failed inside their transaction (a
    table, view, incremental model or seed with no hook outside it: dbt rolled their statements back). Other failed
    ones keep it: a failure after the commit (a post-hook outside the transaction) may have left a new relation.
    `unsettled`: the selected models and seeds dbt did not run (skipped or error in `statuses`; no result: skipped),
    as self_heal_finalize picks them. -#}
{% macro self_heal_restore_unbuilt(unsettled, statuses) %}
  {%- set kinds = {'run': ['model'], 'build': ['model', 'seed'], 'seed': ['seed'], 'retry': ['model', 'seed']}.get(flags.WHICH, []) -%}
  {%- set unbuilt = [] -%}
  {%- for uid in unsettled -%}
    {%- set node = graph.nodes[uid] -%}
    {%- set hooks = (node.config.get('pre-hook') or node.config.get('pre_hook') or [])
                    + (node.config.get('post-hook') or node.config.get('post_hook') or []) -%}
    {%- if node.resource_type in kinds and node.config.materialized != 'ephemeral'
          and (statuses.get(uid, 'skipped') == 'skipped' or (node.config.materialized in ['table', 'view', 'incremental', 'seed']
               and hooks | rejectattr('transaction') | first is not defined)) -%}
      {%- do unbuilt.append(uid) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if unbuilt and dbt_self_heal.self_heal_record_table_ours() -%}
    {%- do dbt_self_heal.self_heal_mark_unfinished(unbuilt, mark=false) -%}
  {%- endif -%}
{% endmacro %}
