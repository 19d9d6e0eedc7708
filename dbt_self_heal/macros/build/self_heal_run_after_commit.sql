{#- After the heal's commit: each healed node's hooks that cannot run inside its transaction, in build order, in the
    node's context (run_hooks with inside_transaction=false: no transaction is opened for them): its before_begin
    pre-hooks whose statement cannot run in a transaction block (self_heal_deferred_pre_hooks), then the post-hooks
    dbt runs after its commit. -#}
{% macro self_heal_run_after_commit(built) %}
  {%- set manifest = dbt_self_heal.self_heal_engine().manifest -%}
  {%- for uid in built -%}
    {%- set hooks = [] -%}
    {%- for hook in dbt_self_heal.self_heal_deferred_pre_hooks(manifest.nodes[uid].config.pre_hook) -%}
      {%- set deferred = hook.to_dict(omit_none=true) -%}
      {%- do deferred.update({'transaction': false}) -%}
      {%- do hooks.append(deferred) -%}
    {%- endfor -%}
    {%- for hook in manifest.nodes[uid].config.post_hook if not hook.transaction -%}
      {%- do hooks.append(hook.to_dict(omit_none=true)) -%}
    {%- endfor -%}
    {%- if hooks -%}
      {#- Named first: dbt ends the run at a failing statement with the database's error only. -#}
      {%- do dbt_self_heal.self_heal_emit({'event': 'after_commit', 'unique_id': uid, 'name': manifest.nodes[uid].name},
          "running the hooks of " ~ manifest.nodes[uid].resource_type ~ " " ~ manifest.nodes[uid].name
          ~ " that run after the commit (if one fails, the next run rebuilds " ~ manifest.nodes[uid].name ~ " and runs them again)") -%}
      {%- do dbt_self_heal.self_heal_enter_node(manifest.nodes[uid]) -%}
      {%- do run_hooks(hooks, inside_transaction=false) -%}
      {%- do dbt_self_heal.self_heal_leave_node() -%}
    {%- endif -%}
  {%- endfor -%}
{% endmacro %}

{#- The before_begin pre-hooks (transaction: false) whose statement cannot run inside a transaction block
    (PostgreSQL: VACUUM, CREATE or DROP INDEX CONCURRENTLY, REINDEX ... CONCURRENTLY, CREATE or DROP DATABASE or
    TABLESPACE, ALTER SYSTEM; DuckDB: CHECKPOINT): dbt runs them outside its transaction, so the heal runs them after
    its commit (self_heal_run_after_commit). Read from the hook's text as written; a hook that only calls a macro
    runs in place. `hooks`: a node's pre-hooks (graph dicts or manifest objects). -#}
{% macro self_heal_deferred_pre_hooks(hooks) %}
  {%- set pattern = modules.re.compile('(\\s+|--[^\\n]*|/\\*.*?\\*/)*(vacuum|(force\\s+)?checkpoint|alter\\s+system'
        ~ '|(create|drop)\\s+(database|tablespace)|(create\\s+(unique\\s+)?|drop\\s+)index\\s+concurrently'
        ~ '|reindex\\s+(\\([^)]*\\)\\s*)?\\w+\\s+concurrently)\\b', modules.re.I + modules.re.S) -%}
  {%- set deferred = [] -%}
  {%- for hook in hooks if not hook.transaction and pattern.match(hook.sql) -%}{%- do deferred.append(hook) -%}{%- endfor -%}
  {{ return(deferred) }}
{% endmacro %}
