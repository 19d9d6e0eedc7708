{#- The adapter as the materialization sees it while healing: everything delegates to dbt's adapter except
    commit(), which the heal owns, so that every relation it builds lands in one transaction or none does.
    The names are the runtime adapter's public surface (BaseDatabaseWrapper plus dbt-duckdb's @available
    methods); a name a newer adapter adds and a materialization calls fails loudly, never silently. -#}
{% macro self_heal_transaction_adapter(real_adapter) %}
  {#- Made once per heal (the engine keeps it) and reused for every node while the adapter is the same object. -#}
  {%- set engine = context.get('self_heal__engine_state') or {} -%}
  {%- set made = engine.get('stand_in') -%}
  {%- if made and made[0] is sameas real_adapter -%}{{ return(made[1]) }}{%- endif -%}
  {%- set members = {'commit': dbt_self_heal.self_heal_noop, 'Relation': real_adapter.Relation} -%}
  {%- for name in dbt_self_heal.self_heal_adapter_members() -%}
    {%- set member = real_adapter | attr(name) -%}
    {%- if member is defined -%}{%- do members.update({name: member}) -%}{%- endif -%}
  {%- endfor -%}
  {%- set stand_in = namespace(members) -%}
  {%- do engine.update({'stand_in': [real_adapter, stand_in]}) -%}
  {{ return(stand_in) }}
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
    'valid_incremental_strategies', 'valid_snapshot_target', 'verify_database', 'warn_once',
  ]) }}
{% endmacro %}
