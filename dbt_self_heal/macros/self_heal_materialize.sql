{#- Build one model with dbt's own materialization macro for it (the one `dbt run` would pick), called in the
    node's context inside the heal's transaction. Returns the relations the materialization reports. -#}
{% macro self_heal_materialize(node, compiled_sql) %}
  {%- set engine = dbt_self_heal.self_heal_engine() -%}
  {%- set materialization = engine.manifest.find_materialization_macro_by_name(
        engine.config.project_name, node.get_materialization(), adapter.type()) -%}
  {%- if materialization is none -%}
    {{ exceptions.raise_compiler_error("self_heal: no materialization '" ~ node.get_materialization()
        ~ "' for adapter " ~ adapter.type() ~ " (needed by " ~ node.unique_id ~ ")") }}
  {%- endif -%}
  {%- set run_materialization = context.get(materialization.name)
        if materialization.package_name in ['dbt', 'dbt_' ~ adapter.type()]
        else context[materialization.package_name][materialization.name] -%}
  {%- do dbt_self_heal.self_heal_enter_node(node, compiled_sql) -%}
  {%- set real_adapter = context['adapter'] -%}
  {%- do context.update({'adapter': dbt_self_heal.self_heal_transaction_adapter(real_adapter)}) -%}
  {%- set result = run_materialization() -%}
  {%- do context.update({'adapter': real_adapter}) -%}
  {%- do dbt_self_heal.self_heal_leave_node() -%}
  {%- set relations = result.get('relations', []) if result is mapping else [] -%}
  {%- for relation in relations -%}{%- do adapter.cache_added(relation.incorporate(dbt_created=true)) -%}{%- endfor -%}
  {{ return(relations) }}
{% endmacro %}

{#- The adapter as the materialization sees it while healing: everything delegates to dbt's adapter except
    commit(), which the heal owns, so that every relation it builds lands in one transaction or none does.
    The names are the runtime adapter's public surface (BaseDatabaseWrapper plus dbt-duckdb's @available
    methods); a name a newer adapter adds and a materialization calls fails loudly, never silently. -#}
{% macro self_heal_transaction_adapter(real_adapter) %}
  {%- set members = {'commit': dbt_self_heal.self_heal_noop, 'Relation': real_adapter.Relation} -%}
  {%- for name in dbt_self_heal.self_heal_adapter_members() -%}
    {%- set member = real_adapter | attr(name) -%}
    {%- if member is defined -%}{%- do members.update({name: member}) -%}{%- endif -%}
  {%- endfor -%}
  {{ return(namespace(members)) }}
{% endmacro %}

{% macro self_heal_adapter_members() %}
  {{ return([
    'config', 'dispatch', 'type', 'add_query', 'already_exists', 'assert_valid_snapshot_target_given_strategy',
    'batch_id_for_model', 'behavior', 'build_catalog_relation', 'cache_added', 'cache_dropped', 'cache_renamed',
    'catalog_supports_foreign_keys', 'check_schema_exists', 'convert_datetimes_to_strs', 'convert_type',
    'create_schema', 'disable_transactions', 'drop_relation', 'drop_schema', 'ensure_transaction',
    'escape_sql_string', 'execute', 'existing_key_constraint_types', 'expand_target_column_types',
    'external_read_location', 'external_root', 'external_write_options', 'get_binding_char',
    'get_catalog_integration', 'get_column_schema_from_query', 'get_columns_in_relation', 'get_columns_in_table',
    'get_hard_deletes_behavior', 'get_incremental_strategy_macro', 'get_missing_columns',
    'get_partitions_metadata', 'get_relation', 'get_seed_file_path', 'get_temp_relation_path', 'is_ducklake',
    'is_motherduck', 'location_exists', 'parse_index', 'quote', 'quote_as_configured', 'quote_seed_column',
    'rename_relation', 'render_raw_columns_constraints', 'render_raw_model_constraints', 'run_sql_for_tests',
    'standardize_grants_dict', 'store_relation', 'truncate_relation', 'use_ducklake_table_workarounds',
    'valid_incremental_strategies', 'valid_snapshot_target', 'warn_once',
  ]) }}
{% endmacro %}

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
