{#- The project's and packages' macros, once per invocation (kept in `graph` for the on-run-end hook):
    `names`: {name: {package: unique_id}} for finding calls by name;
    `overrides`: {unique_id: md5} of those that replace one of dbt's or the adapter's by name (generate_schema_name,
    create_table_as, a materialization, ...): they shape every relation, so their code is part of every node's
    macros, and the vars they read (`reads`) part of every node's vars. Replacements of dbt's test macros (generic
    tests, unit tests) build no relation and are left out.
    With them, what fingerprints need from dbt that differs between versions (one macro, compiled once, on the
    path every build's on-run-end takes):
    `materializations`: {kind: the manifest macro dbt picks for it on this adapter, or none}
      (manifest.find_materialization_macro_by_name; same signature in 1.8.10-1.12.6);
    `code`: {unique_id: sha256 of the node's text} for models whose dbt checksum is not that hash
      (self_heal_code_checksums; {} on 1.8-1.11 without a call);
    `config_view`: the config keys that make one node's config differ between dbt versions although nothing was
      configured; fingerprints hash the config as dbt-core 1.11 shows it, so records written under 1.11 stay valid:
      `absent_means_none` are keys 1.11 shows as null that older versions lack (1.8.10: static_analysis, freshness,
      also begin / batch_size / concurrent_batches / event_time / lookback, which fingerprints ignore anyway;
      1.9.11: static_analysis, freshness; 1.10.23: static_analysis), added as null when absent;
      `default_means_absent` are keys 1.12.6 adds with a default (on_error: null, latest_version_pointer:
      {enabled: null, alias: null}), dropped while they hold it. Measured by comparing every node's config in the
      manifests of the reference workspace and the consumer fixture under each version; a newer dbt that adds
      another defaulted key shows up as 'config of X changed' on switching. -#}
{% macro self_heal_macro_index(manifest) %}
  {%- set shared = dbt_self_heal.self_heal_run_state() -%}
  {%- if shared.macro_index is not none -%}{{ return(shared.macro_index) }}{%- endif -%}
  {%- set skip = ['dbt', 'dbt_' ~ adapter.type(), 'dbt_self_heal'] -%}
  {%- set index = {'names': {}, 'overrides': {}, 'reads': [],
                   'project': dbt_self_heal.self_heal_resolver().config.project_name} -%}
  {%- set texts = [] -%}
  {%- for macro in manifest.macros.values() if macro.package_name not in skip -%}
    {%- do index.names.setdefault(macro.name, {}).update({macro.package_name: macro.unique_id}) -%}
    {%- set replaced = manifest.find_macro_by_name(macro.name, none, 'dbt')
                       or manifest.find_macro_by_name(macro.name, none, skip[1]) -%}
    {%- if replaced is not none and 'test' not in replaced.original_file_path -%}
      {%- do index.overrides.update({macro.unique_id: local_md5(macro.macro_sql)}) -%}
      {%- do texts.append(macro.macro_sql) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- do index.update({'reads': dbt_self_heal.self_heal_reads(texts | join('\n'))}) -%}
  {%- set kinds = {} -%}
  {%- set models = [] -%}
  {%- for node in graph.nodes.values() if node.resource_type in ['model', 'seed', 'snapshot'] -%}
    {%- if node.config.materialized not in kinds -%}
      {%- do kinds.update({node.config.materialized: manifest.find_materialization_macro_by_name(
            index.project, node.config.materialized, adapter.type())}) -%}
    {%- endif -%}
    {%- if node.resource_type == 'model' -%}{%- do models.append(node.unique_id) -%}{%- endif -%}
  {%- endfor -%}
  {%- set version = dbt_version.split('.') -%}
  {%- do index.update({'materializations': kinds,
        'code': dbt_self_heal.self_heal_code_checksums(models) if (version[0] | int, version[1] | int) >= (1, 12) else {},
        'config_view': {'absent_means_none': ['static_analysis', 'freshness'],
                        'default_means_absent': {'on_error': none, 'latest_version_pointer': {'enabled': none, 'alias': none}}}}) -%}
  {%- do shared.update({'macro_index': index}) -%}
  {{ return(index) }}
{% endmacro %}
