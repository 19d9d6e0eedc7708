{#- A node's own runtime context, built inside the on-run-start hook.

    dbt compiles and materializes a node with a context generated for that node (context/providers.py,
    generate_runtime_model_context), which no Jinja code can call. The hook's context is a live dict that every macro
    reads when it is called, so the heal swaps in the node's values for the entries that differ between nodes
    (model, this, config, ref, source, var, database, schema, pre/post hooks, sql) while it compiles and
    materializes the node, and restores them afterwards. Values come from dbt's own objects wherever possible:
    the manifest's node, its `resolve_ref` / `resolve_source` (versions, latest_version, packages), the ref
    resolver's `create_relation` (--empty limits, defer) and `api.Relation.create_from` (quoting policy). -#}

{#- The engine shared by the macros below: dbt's manifest and runtime config, reached through the hook's ref
    resolver, and the stack of nodes being compiled (an ephemeral parent is compiled inside its child). The macros
    that only run inside a node (after self_heal_enter_node made it: node values, ref, source, leave) read
    context['self_heal__engine_state'] directly, as a call per ref costs more than the lookup. -#}
{% macro self_heal_engine() %}
  {%- if 'self_heal__engine_state' not in context -%}
    {%- set resolver = dbt_self_heal.self_heal_resolver() -%}
    {%- do context.update({'self_heal__engine_state': {
        'resolver': resolver, 'manifest': resolver.manifest, 'config': resolver.config, 'stack': [],
        'hook_values': {}}}) -%}
  {%- endif -%}
  {{ return(context['self_heal__engine_state']) }}
{% endmacro %}
