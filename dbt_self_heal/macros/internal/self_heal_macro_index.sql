{#- The project's and packages' macros, once per invocation (kept in `graph` for the on-run-end hook):
    `names`: {name: {package: unique_id}} for finding calls by name;
    `overrides`: {unique_id: md5} of those that replace one of dbt's or the adapter's by name (generate_schema_name,
    create_table_as, a materialization, ...): they shape every relation, so their code is part of every node's
    macros, and the vars they read (`reads`) part of every node's vars. Replacements of dbt's test macros (generic
    tests, unit tests) build no relation and are left out. -#}
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
  {%- do shared.update({'macro_index': index}) -%}
  {{ return(index) }}
{% endmacro %}
