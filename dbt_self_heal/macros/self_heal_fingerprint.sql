{#- Fingerprints: what determines a relation's contents, hashed, so a relation built from other inputs is found
    stale (dbt_self_heal/README.md, "Stale relations"). A node's parts: its kind, its code (dbt's checksum of the
    file; for seeds over 1 MiB, where dbt keeps only the path, the content hash), the config that shapes the
    relation, the values of the vars and env vars its code and its project macros read, its declared input files
    (content hashes), the code of those macros, whether it was built under --empty, and its parents' fingerprints,
    so a change propagates downstream. Only names and hashes are stored for env vars. -#}

{#- Project macros a node calls, transitively (dbt's own and the adapter's macros change only with versions). -#}
{% macro self_heal_node_macros(node, manifest, memo) %}
  {%- set found = [] -%}
  {%- set queue = node.depends_on.macros | list -%}
  {%- for uid in queue if uid not in found -%}
    {%- set macro = manifest.macros.get(uid) -%}
    {%- if macro and macro.package_name not in ['dbt', 'dbt_' ~ adapter.type()] -%}
      {%- do found.append(uid) -%}
      {%- do queue.extend(macro.depends_on.macros) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(found | sort) }}
{% endmacro %}

{#- The files whose content a node's fingerprint covers: declared inputs (by var) and seeds dbt does not hash. -#}
{% macro self_heal_node_files(node) %}
  {%- set files = {} -%}
  {%- if node.resource_type == 'seed' and node.checksum.name != 'sha256' -%}
    {%- do files.update({'seed file': node.root_path ~ '/' ~ node.original_file_path}) -%}
  {%- endif -%}
  {%- for var_name in ((node.config.get('meta') or {}).get('self_heal') or {}).get('inputs', []) -%}
    {%- set path = dbt_self_heal.self_heal_var_for(node, var_name, none) -%}
    {%- if path -%}{%- do files.update({'var ' ~ var_name: path | string}) -%}{%- endif -%}
  {%- endfor -%}
  {{ return(files) }}
{% endmacro %}

{#- Fingerprints of the given nodes and of all their ancestors: {unique_id: {'fingerprint': md5, 'parts': {...}}}.
    `file_hashes` maps a path to its content hash (self_heal_file_hashes). -#}
{% macro self_heal_fingerprints(node_ids, file_hashes, known={}) %}
  {%- set resolver = dbt_self_heal.self_heal_resolver() -%}
  {%- set manifest = resolver.manifest -%}
  {%- set memo = dict(known) -%}
  {%- set ignored_config = ['meta', 'tags', 'docs', 'group', 'access', 'enabled', 'full_refresh', 'grants',
                            'event_time', 'lookback', 'batch_size', 'begin', 'concurrent_batches'] -%}
  {%- set shared = {'materializations': {}, 'overrides': dbt_self_heal.self_heal_override_macros(manifest),
                     'project': resolver.config.project_name} -%}
  {#- Every ancestor, then parents before children (Kahn's order over a list that grows while it is walked). -#}
  {%- set seen = {} -%}
  {%- set queue = node_ids | list -%}
  {%- for uid in queue if uid not in seen and uid not in memo -%}
    {%- do seen.update({uid: true}) -%}
    {%- do queue.extend((graph.nodes.get(uid) or {}).get('depends_on', {}).get('nodes', [])) -%}
  {%- endfor -%}
  {%- set waiting = {} -%}
  {%- set children = {} -%}
  {%- set ready = [] -%}
  {%- for uid in seen -%}
    {%- set parents = (graph.nodes.get(uid) or {}).get('depends_on', {}).get('nodes', []) | reject('in', memo) | unique | list -%}
    {%- do waiting.update({uid: parents | length}) -%}
    {%- for parent in parents -%}{%- do children.setdefault(parent, []).append(uid) -%}{%- endfor -%}
    {%- if not parents -%}{%- do ready.append(uid) -%}{%- endif -%}
  {%- endfor -%}
  {%- for uid in ready -%}
    {%- set node = graph.nodes.get(uid) or graph.sources.get(uid) -%}
    {%- if node is not none -%}
      {%- do memo.update({uid: dbt_self_heal.self_heal_node_fingerprint(node, manifest, memo, file_hashes,
                                                                       ignored_config, shared)}) -%}
    {%- endif -%}
    {%- for child in children.get(uid, []) -%}
      {%- do waiting.update({child: waiting[child] - 1}) -%}
      {%- if waiting[child] == 0 -%}{%- do ready.append(child) -%}{%- endif -%}
    {%- endfor -%}
  {%- endfor -%}
  {{ return(memo) }}
{% endmacro %}

{#- The project's and packages' macros that replace one of dbt's or the adapter's by name (generate_schema_name,
    create_table_as, a materialization, ...): they shape every relation, so their code is part of every node's
    macros. {unique_id: md5}. -#}
{% macro self_heal_override_macros(manifest) %}
  {%- if '_self_heal_overrides' in graph -%}{{ return(graph['_self_heal_overrides']) }}{%- endif -%}
  {%- set skip = ['dbt', 'dbt_' ~ adapter.type(), 'dbt_self_heal'] -%}
  {%- set found = {} -%}
  {%- for macro in manifest.macros.values() if macro.package_name not in skip -%}
    {%- if manifest.find_macro_by_name(macro.name, none, 'dbt') is not none
          or manifest.find_macro_by_name(macro.name, none, skip[1]) is not none -%}
      {%- do found.update({macro.unique_id: local_md5(macro.macro_sql)}) -%}
    {%- endif -%}
  {%- endfor -%}
  {#- Kept for the rest of the invocation (the on-run-end hook fingerprints what dbt built). -#}
  {%- do graph.update({'_self_heal_overrides': found}) -%}
  {{ return(found) }}
{% endmacro %}

{% macro self_heal_node_fingerprint(node, manifest, memo, file_hashes, ignored_config, shared) %}
  {%- if node.resource_type == 'source' -%}
    {#- Another program writes a source; its identity is what the build depends on here. -#}
    {%- set identity = dbt_self_heal.self_heal_relation_key(node.database, node.schema, node.identifier) -%}
    {{ return({'fingerprint': local_md5('source ' ~ identity), 'parts': {'kind': 'source'}}) }}
  {%- endif -%}
  {#- Runs for every needed node on every run: kept to inline statements (dbt compiles and calls each macro anew). -#}
  {%- set config = dict(node.config) -%}
  {%- for key in ignored_config -%}{%- do config.pop(key, none) -%}{%- endfor -%}
  {%- if (node.config.get('contract') or {}).get('enforced') -%}
    {%- do config.update({'contract_columns': node.get('columns'), 'contract_constraints': node.get('constraints')}) -%}
  {%- endif -%}
  {#- Descriptions persisted as comments are part of the relation. -#}
  {%- set docs = node.config.get('persist_docs') or {} -%}
  {%- if docs.get('relation') -%}{%- do config.update({'description': node.get('description')}) -%}{%- endif -%}
  {%- if docs.get('columns') -%}
    {%- set column_docs = {} -%}
    {%- for name, column in (node.get('columns') or {}).items() -%}{%- do column_docs.update({name: column.get('description')}) -%}{%- endfor -%}
    {%- do config.update({'column_docs': column_docs}) -%}
  {%- endif -%}
  {#- The code a node runs: its own, its hooks' (vars read there count too) and the macros below. -#}
  {%- set texts = [node.get('raw_code') or ''] -%}
  {%- for hook in (node.config.get('pre-hook') or node.config.get('pre_hook') or [])
                  + (node.config.get('post-hook') or node.config.get('post_hook') or []) -%}
    {%- do texts.append(hook.get('sql') or '') -%}
  {%- endfor -%}
  {%- set macros = dict(shared.overrides) -%}
  {#- A materialization the project or a package defines is code that builds the node. -#}
  {%- set kind = node.config.materialized -%}
  {%- if kind not in shared.materializations -%}
    {%- set found = manifest.find_materialization_macro_by_name(shared.project, kind, adapter.type()) -%}
    {%- do shared.materializations.update({kind: found if found is not none
                                            and found.package_name not in ['dbt', 'dbt_' ~ adapter.type()] else none}) -%}
  {%- endif -%}
  {%- set materialization = shared.materializations[kind] -%}
  {%- if materialization is not none -%}
    {%- do macros.update({materialization.unique_id: local_md5(materialization.macro_sql)}) -%}
    {%- for uid in dbt_self_heal.self_heal_node_macros(materialization, manifest, memo) -%}
      {%- do macros.update({uid: local_md5(manifest.macros[uid].macro_sql)}) -%}
    {%- endfor -%}
  {%- endif -%}
  {%- if node.depends_on.macros -%}
    {%- for uid in dbt_self_heal.self_heal_node_macros(node, manifest, memo) -%}
      {%- set sql = manifest.macros[uid].macro_sql -%}
      {%- do macros.update({uid: local_md5(sql)}) -%}
      {%- do texts.append(sql) -%}
    {%- endfor -%}
  {%- endif -%}
  {%- set vars = {} -%}
  {%- set env_vars = {} -%}
  {%- for function, name in modules.re.findall('(?<![\w.])(env_var|var)\(\s*[\'"]([^\'"]+)[\'"]', texts | join('\n')) -%}
    {%- if function == 'var' -%}
      {%- do vars.update({name: dbt_self_heal.self_heal_var_for(node, name, none)}) -%}
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
      'code': node.checksum.checksum if node.checksum.name == 'sha256' else none,
      'config': local_md5(tojson(config, sort_keys=true)),
      'vars': vars, 'env_vars': env_vars, 'inputs': inputs, 'macros': macros, 'parents': parents,
      'empty': flags.EMPTY is true,
  } -%}
  {{ return({'fingerprint': local_md5(tojson(parts, sort_keys=true)), 'parts': parts}) }}
{% endmacro %}

{#- Why a recorded relation is stale: its recorded parts against the current ones, in words. -#}
{% macro self_heal_stale_reason(node, recorded_parts, parts, built_at, rebuilt) %}
  {%- set old = recorded_parts or {} -%}
  {%- set reasons = [] -%}
  {%- if old.get('kind') != parts.kind -%}{%- do reasons.append("materialization changed") -%}{%- endif -%}
  {%- if old.get('code') != parts.code or old.get('inputs', {}).get('seed file') != parts.inputs.get('seed file') -%}
    {%- if node.resource_type == 'seed' -%}
      {%- do reasons.append(node.original_file_path ~ " changed since it was loaded at " ~ built_at) -%}
    {%- else -%}
      {%- do reasons.append("code of " ~ node.name ~ " changed") -%}
    {%- endif -%}
  {%- endif -%}
  {%- if old.get('config') != parts.config -%}{%- do reasons.append("config of " ~ node.name ~ " changed") -%}{%- endif -%}
  {%- for name, value in parts.vars.items() if old.get('vars', {}).get(name, none) != value -%}
    {%- set before = old.get('vars', {}).get(name, none) -%}
    {%- do reasons.append("var " ~ name ~ " " ~ ("(unset)" if before is none else before) ~ " → "
                          ~ ("(unset)" if value is none else value)) -%}
  {%- endfor -%}
  {%- for name, value in parts.env_vars.items() if old.get('env_vars', {}).get(name) != value -%}
    {%- do reasons.append("env var " ~ name ~ " changed") -%}
  {%- endfor -%}
  {%- for label, value in parts.inputs.items() if label != 'seed file' and old.get('inputs', {}).get(label) != value -%}
    {%- do reasons.append("input file of " ~ label ~ " (" ~ dbt_self_heal.self_heal_var_for(node, label[4:], '') ~ ") changed since " ~ built_at) -%}
  {%- endfor -%}
  {%- if old.get('macros') != parts.macros -%}{%- do reasons.append("a macro it calls changed") -%}{%- endif -%}
  {%- if old.get('empty') != parts.empty -%}
    {%- do reasons.append("built with --empty" if old.get('empty') else "a run with --empty") -%}
  {%- endif -%}
  {%- for parent, fingerprint in parts.parents.items() if old.get('parents', {}).get(parent) != fingerprint -%}
    {%- set name = parent.split('.')[-1] if parent not in graph.nodes else graph.nodes[parent].name -%}
    {%- do reasons.append("parent " ~ name ~ (" is rebuilt" if parent in rebuilt else " changed")) -%}
  {%- endfor -%}
  {{ return(reasons | join('; ') if reasons else "its fingerprint changed") }}
{% endmacro %}
