{#- The seam: every place the package reaches into dbt-core's internals (objects Jinja can reach but dbt does not
    document as macro API) is a macro in this folder, so a new dbt release is a change here. Each was checked against
    dbt-core 1.8.10, 1.9.11, 1.10.23, 1.11.16 and 1.12.6 with dbt-duckdb 1.8.4 / 1.9.6 / 1.10.1 / 1.11.1 (the version
    matrix, tests/matrix/run.py, heals both test projects identically to a plain build under each).

    | touch                                                    | macro (file in internal/)        | versions / fallback
    |----------------------------------------------------------|----------------------------------|--------------------
    | `context['builtins']['ref']`: dbt's ref resolver, its     | self_heal_resolver,               | all five; a project's
    |   `manifest` and `config` (RuntimeConfig)                 | self_heal_engine                  | own `ref` macro hides
    |                                                          |                                  | `ref`, so builtins first
    | `manifest.resolve_ref` / `resolve_source`,               | self_heal_node_ref,               | all five (same
    |   `resolver.create_relation`, `resolve_limit`            | self_heal_node_source             | signatures)
    | `manifest.find_node_from_ref_or_source` (foreign keys)   | self_heal_node_values             | 1.9+; on 1.8 `to` is
    |                                                          |                                  | left as written, as
    |                                                          |                                  | 1.8's compiler does
    | `api.Relation.create_from(config, node)`, `node.to_dict` | self_heal_node_values             | all five
    | swapping entries of the live `context` (model, this,     | self_heal_enter_node,             | all five: every macro
    |   config, ref, source, var, adapter, hooks, sql)         | self_heal_node_values,            | reads the live dict
    |                                                          | self_heal_dbt_call_with_adapter   | when called
    | the adapter's member list (commit() swapped out)         | self_heal_transaction_adapter     | names a version lacks
    |                                                          |                                  | are skipped
    | `manifest.find_materialization_macro_by_name`            | self_heal_dbt_materialization,    | all five
    |                                                          | self_heal_macro_index             |
    | `manifest.find_macro_by_name`, `manifest.macros`         | self_heal_macro_index             | all five
    | `manifest.unit_tests`                                    | self_heal_dbt_unit_test           | all five (1.8 added
    |                                                          |                                  | unit tests)
    | `manifest.state_check`, `manifest.env_vars`,             | self_heal_project_digest          | all five; a changed
    |   `manifest.files`, `config.load_dependencies()`         |                                  | shape only changes the
    |                                                          |                                  | digest: one slow check
    | dbt's node checksum                                      | self_heal_code_checksums          | 1.8-1.11: sha256 of the
    |                                                          |                                  | text; 1.12: recomputed
    | config keys a version adds or lacks                      | self_heal_macro_index             | see there
    | a failed on-run-start hook and the selected nodes; the   | self_heal_stop_run                | 1.9+ skip them (flag);
    |   project's flags (`config.flags`, dbt_project.yml)      |                                  | 1.8 runs them
    | a failed hook's entry in `results` (no `node` on 1.8)    | hooks/self_heal_finalize (inline) | filtered by `node`
    | `dbt_version`                                            | self_heal_dbt_minor               | all five
    Left inline on purpose, because every healthy run compiles the macros it calls and a macro call costs more than
    the touch: `invocation_args_dict.defer` / `.invocation_command` (hooks/self_heal; all five), `flags.WHICH`,
    `flags.EMPTY`, `flags.LOG_FORMAT`, `flags.STATE`, `flags.WARN_ERROR` (all five), `selected_resources` (empty
    under `dbt retry` in all five). -#}

{#- The manifest macro of the materialization dbt would pick for a node of this kind on this adapter, or none. -#}
{% macro self_heal_dbt_materialization(kind) %}
  {%- set engine = dbt_self_heal.self_heal_engine() -%}
  {{ return(engine.manifest.find_materialization_macro_by_name(engine.config.project_name, kind, adapter.type())) }}
{% endmacro %}

{#- Call a materialization macro in the node's context with `adapter` replaced for the duration of the call.
    dbt's own and the adapter's materializations live at the top of the context, a package's under its name. -#}
{% macro self_heal_dbt_call_with_adapter(materialization, stand_in) %}
  {%- set run_materialization = context.get(materialization.name)
        if materialization.package_name in ['dbt', 'dbt_' ~ adapter.type()]
        else context[materialization.package_name][materialization.name] -%}
  {%- set real_adapter = context['adapter'] -%}
  {%- do context.update({'adapter': stand_in}) -%}
  {%- set result = run_materialization() -%}
  {%- do context.update({'adapter': real_adapter}) -%}
  {{ return(result) }}
{% endmacro %}

{#- A unit test of the manifest (unit tests are not in `graph`), or none. Reached as self_heal_resolver() does,
    inline: `dbt build` runs select unit tests, so this is on the healthy path. -#}
{% macro self_heal_dbt_unit_test(uid) %}
  {{ return((context['builtins']['ref'] if 'builtins' in context else context['ref']).manifest.unit_tests.get(uid)) }}
{% endmacro %}
