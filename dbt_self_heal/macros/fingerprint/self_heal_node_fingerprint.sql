{% macro self_heal_node_fingerprint(node, manifest, memo, file_hashes, ignored_config, shared) %}
  {%- if node.resource_type == 'source' -%}
    {#- Another program writes a source; its identity is what the build depends on here. -#}
    {%- set identity = dbt_self_heal.self_heal_relation_key(node.database, node.schema, node.identifier) -%}
    {{ return({'fingerprint': local_md5('source ' ~ identity), 'parts': {'kind': 'source'}}) }}
  {%- endif -%}
  {#- Runs for every needed node on every run: kept to inline statements (dbt compiles and calls each macro anew). -#}
  {%- set config = dict(node.config) -%}
  {%- for key in ignored_config -%}{%- do config.pop(key, none) -%}{%- endfor -%}
  {#- The same config reads the same under every dbt version (self_heal_macro_index: config_view). -#}
  {%- for key in shared.config_view.absent_means_none if key not in config -%}{%- do config.update({key: none}) -%}{%- endfor -%}
  {%- for key, default in shared.config_view.default_means_absent.items() if key in config and config[key] == default -%}
    {%- do config.pop(key) -%}
  {%- endfor -%}
  {%- if (node.config.get('contract') or {}).get('enforced') or node.config.get('persist_docs') -%}
    {%- do config.update(dbt_self_heal.self_heal_fingerprint_contract_and_docs(node)) -%}
  {%- endif -%}
  {#- The code a node runs: its own, its hooks' and the macros it calls (what they read counts too). -#}
  {%- set texts = [node.get('raw_code') or ''] -%}
  {%- for hook in (node.config.get('pre-hook') or node.config.get('pre_hook') or [])
                  + (node.config.get('post-hook') or node.config.get('post_hook') or []) -%}
    {%- do texts.append(hook.get('sql') or '') -%}
  {%- endfor -%}
  {%- set index = shared.index -%}
  {%- set macros = dict(index.overrides) -%}
  {%- set reads = index.reads | list -%}
  {#- A materialization the project or a package defines is code that builds the node. -#}
  {%- set kind = node.config.materialized -%}
  {%- if kind not in shared.materializations -%}
    {%- set found = index.materializations.get(kind) -%}
    {%- do shared.materializations.update({kind: dbt_self_heal.self_heal_materialization_code(found, manifest, memo)
          if found is not none and found.package_name not in ['dbt', 'dbt_' ~ adapter.type()] else none}) -%}
  {%- endif -%}
  {%- set materialization = shared.materializations[kind] -%}
  {%- if materialization is not none -%}
    {%- do macros.update(materialization.macros) -%}
    {%- do reads.extend(materialization.reads) -%}
  {%- endif -%}
  {%- set calls = dbt_self_heal.self_heal_called_macros(texts | join('\n'), node.package_name, index)
        if node.resource_type != 'seed' else [] -%}
  {%- if node.depends_on.macros or calls -%}
    {%- for uid in dbt_self_heal.self_heal_node_macros(node, manifest, memo, calls) -%}
      {%- set sql = manifest.macros[uid].macro_sql -%}
      {%- do macros.update({uid: local_md5(sql)}) -%}
      {%- do texts.append(sql) -%}
    {%- endfor -%}
  {%- endif -%}
  {%- set vars = {} -%}
  {%- set env_vars = {} -%}
  {#- Target values are stored as they are only where they are not secrets. -#}
  {%- set plain_target = ['name', 'target_name', 'profile_name', 'schema', 'database', 'type', 'threads'] -%}
  {%- for function, name in reads + dbt_self_heal.self_heal_reads(texts | join('\n')) -%}
    {%- if function == 'var' -%}
      {%- set value = dbt_self_heal.self_heal_var_for(node, name, none) -%}
      {#- A value JSON holds as it is (most are) is used as it is, without a call. -#}
      {%- do vars.update({name: value if value is none or value is string or value is number
                                else dbt_self_heal.self_heal_jsonable(value)}) -%}
    {%- elif function == 'target' -%}
      {%- set value = target.get(name) -%}
      {%- do vars.update({'target.' ~ name: value if name in plain_target or value is none else local_md5(value | string)}) -%}
    {%- else -%}
      {%- do env_vars.update({name: local_md5(env_var(name, '__self_heal_unset__') | string)}) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set inputs = {} -%}
  {%- if (node.resource_type == 'seed' and node.checksum.name != 'sha256')
        or ((node.config.get('meta') or {}).get('self_heal') or {}).get('inputs') -%}
    {%- for label, path in dbt_self_heal.self_heal_node_files(node).items() -%}
      {%- do inputs.update({label: file_hashes.get(path)}) -%}
    {%- endfor -%}
  {%- endif -%}
  {%- set parents = {} -%}
  {%- for parent in node.depends_on.get('nodes', []) if parent in memo -%}
    {%- do parents.update({parent: memo[parent].fingerprint}) -%}
  {%- endfor -%}
  {%- set parts = {
      'kind': node.resource_type ~ ':' ~ node.config.materialized,
      'code': shared.code.get(node.unique_id, node.checksum.checksum) if node.checksum.name == 'sha256' else none,
      'config': local_md5(tojson(config, sort_keys=true)),
      'vars': vars, 'env_vars': env_vars, 'inputs': inputs, 'macros': macros, 'parents': parents,
      'empty': flags.EMPTY is true and dbt_self_heal.self_heal_built_empty(node.unique_id),
  } -%}
  {{ return({'fingerprint': local_md5(tojson(parts, sort_keys=true)), 'parts': parts}) }}
{% endmacro %}

{#- What a node's enforced contract and persisted docs add to its fingerprinted config (self_heal_node_fingerprint). -#}
{% macro self_heal_fingerprint_contract_and_docs(node) %}
  {%- set extras = {} -%}
  {%- if (node.config.get('contract') or {}).get('enforced') -%}
    {#- What a contract enforces: column names, types and constraints (descriptions are docs, below). -#}
    {%- set contract_columns = {} -%}
    {%- for name, column in (node.get('columns') or {}).items() -%}
      {%- do contract_columns.update({name: [column.get('data_type'), column.get('constraints'), column.get('quote')]}) -%}
    {%- endfor -%}
    {%- do extras.update({'contract_columns': contract_columns, 'contract_constraints': node.get('constraints')}) -%}
  {%- endif -%}
  {#- Descriptions persisted as comments are part of the relation. -#}
  {%- set docs = node.config.get('persist_docs') or {} -%}
  {%- if docs.get('relation') -%}{%- do extras.update({'description': node.get('description')}) -%}{%- endif -%}
  {%- if docs.get('columns') -%}
    {%- set column_docs = {} -%}
    {%- for name, column in (node.get('columns') or {}).items() -%}{%- do column_docs.update({name: column.get('description')}) -%}{%- endfor -%}
    {%- do extras.update({'column_docs': column_docs}) -%}
  {%- endif -%}
  {{ return(extras) }}
{% endmacro %}

{#- A materialization the project or a package defines is code that builds the node: its macro and the macros it
    calls, with what they read (self_heal_node_fingerprint keeps one per materialization name). -#}
{% macro self_heal_materialization_code(found, manifest, memo) %}
  {%- set entry = {'macros': {found.unique_id: local_md5(found.macro_sql)}, 'texts': [found.macro_sql]} -%}
  {%- for uid in dbt_self_heal.self_heal_node_macros(found, manifest, memo) -%}
    {%- do entry.macros.update({uid: local_md5(manifest.macros[uid].macro_sql)}) -%}
    {%- do entry.texts.append(manifest.macros[uid].macro_sql) -%}
  {%- endfor -%}
  {%- do entry.update({'reads': dbt_self_heal.self_heal_reads(entry.texts | join('\n'))}) -%}
  {{ return(entry) }}
{% endmacro %}

{#- Under --empty, whether this run builds the node empty (a fingerprint's `empty` part, which makes the next run
    build an incremental from scratch and every other node again): the heal builds what is missing empty, dbt what it
    selects, except the selected incremental models that exist: dbt runs those incrementally over no rows, so they
    keep what they held. Relations the run only reads are not built empty. -#}
{% macro self_heal_built_empty(uid) %}
  {%- set state = dbt_self_heal.self_heal_run_state() -%}
  {{ return(uid in (state.get('missing_under_empty') or [])
            or (uid in selected_resources and uid not in (state.get('kept_under_empty') or []))) }}
{% endmacro %}

{#- The selected incremental models that exist when --empty selects them (self_heal_built_empty), noted in the run
    state by the on-run-start hook before dbt runs them. -#}
{% macro self_heal_kept_under_empty(selected) %}
  {%- set keys = {} -%}
  {%- for uid in selected if uid in graph.nodes and graph.nodes[uid].config.materialized == 'incremental' -%}
    {%- set node = graph.nodes[uid] -%}
    {%- do keys.update({uid: dbt_self_heal.self_heal_relation_key(node.database, node.schema, node.alias)}) -%}
  {%- endfor -%}
  {%- set present = dbt_self_heal.self_heal_inspect(keys.values() | list).relations if keys else {} -%}
  {%- set kept = [] -%}
  {%- for uid, key in keys.items() if key in present -%}{%- do kept.append(uid) -%}{%- endfor -%}
  {%- do dbt_self_heal.self_heal_run_state().update({'kept_under_empty': kept}) -%}
{% endmacro %}
