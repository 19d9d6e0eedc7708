{#- After the heal's commit: each healed node's post-hooks that dbt runs after its commit, in build order, in the
    node's context (dbt-duckdb's run_hooks with inside_transaction=false: no transaction is opened for them). -#}
{% macro self_heal_run_after_commit(built) %}
  {%- set manifest = dbt_self_heal.self_heal_engine().manifest -%}
  {%- for uid in built -%}
    {%- set hooks = [] -%}
    {%- for hook in manifest.nodes[uid].config.post_hook if not hook.transaction -%}
      {%- do hooks.append(hook.to_dict(omit_none=true)) -%}
    {%- endfor -%}
    {%- if hooks -%}
      {#- Named first: dbt ends the run at a failing statement with the database's error only. -#}
      {%- do dbt_self_heal.self_heal_emit({'event': 'after_commit', 'unique_id': uid, 'name': manifest.nodes[uid].name},
          "running the post-hooks of " ~ manifest.nodes[uid].resource_type ~ " " ~ manifest.nodes[uid].name
          ~ " that run after the commit (if one fails, the next run rebuilds " ~ manifest.nodes[uid].name ~ " and runs them again)") -%}
      {%- do dbt_self_heal.self_heal_enter_node(manifest.nodes[uid]) -%}
      {%- do run_hooks(hooks, inside_transaction=false) -%}
      {%- do dbt_self_heal.self_heal_leave_node() -%}
    {%- endif -%}
  {%- endfor -%}
{% endmacro %}
