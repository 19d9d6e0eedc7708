{#- Fingerprints: what determines a relation's contents, hashed, so a relation built from other inputs is found
    stale (dbt_self_heal/README.md, "Stale relations"). A node's parts: its kind, its code (dbt's checksum of the
    file; for seeds over 1 MiB, where dbt keeps only the path, the content hash), the config that shapes the
    relation, the values of the vars and env vars its code and its project macros read, its declared input files
    (content hashes), the code of those macros, whether it was built under --empty, and its parents' fingerprints,
    so a change propagates downstream. Only names and hashes are stored for env vars. -#}

{#- Project macros a node calls, transitively (dbt's own and the adapter's macros change only with versions).
    dbt records a node's macros while parsing, when `execute` is false, so a macro called only inside
    `{% if execute %}` is missing from depends_on; `calls` adds those found in the node's code by name. -#}
{% macro self_heal_node_macros(node, manifest, memo, calls=[]) %}
  {%- set found = [] -%}
  {%- set queue = (node.depends_on.macros | list) + calls -%}
  {%- for uid in queue if uid not in found -%}
    {%- set macro = manifest.macros.get(uid) -%}
    {%- if macro and macro.package_name not in ['dbt', 'dbt_' ~ adapter.type()] -%}
      {%- do found.append(uid) -%}
      {%- do queue.extend(macro.depends_on.macros) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(found | sort) }}
{% endmacro %}

{#- Project and package macros called by name in `text` (`name(` or `package.name(`), as dbt would resolve them for
    a node of `package`: its own package's first, then the root project's. -#}
{% macro self_heal_called_macros(text, package, index) %}
  {%- set calls = [] -%}
  {%- for qualifier, name in modules.re.findall('(?:\\b(\\w+)\\.)?\\b(\\w+)\\s*\\(', text) if name in index.names -%}
    {%- set candidates = index.names[name] -%}
    {%- set uid = candidates.get(qualifier) if qualifier else (candidates.get(package) or candidates.get(index.project)) -%}
    {%- if uid and uid not in calls -%}{%- do calls.append(uid) -%}{%- endif -%}
  {%- endfor -%}
  {{ return(calls) }}
{% endmacro %}

{#- The files whose content a node's fingerprint covers: declared inputs (by var) and seeds dbt does not hash. -#}
{% macro self_heal_node_files(node) %}
  {%- set files = {} -%}
  {%- if node.resource_type == 'seed' and node.checksum.name != 'sha256' -%}
    {%- do files.update({'seed file': node.root_path ~ '/' ~ node.original_file_path}) -%}
  {%- endif -%}
  {%- set declared = ((node.config.get('meta') or {}).get('self_heal') or {}).get('inputs', []) -%}
  {%- for var_name in ([declared] if declared is string else declared) -%}
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
  {%- set shared = {'materializations': {}, 'index': dbt_self_heal.self_heal_macro_index(manifest),
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

{#- The project's and packages' macros, once per invocation (kept in `graph` for the on-run-end hook):
    `names`: {name: {package: unique_id}} for finding calls by name;
    `overrides`: {unique_id: md5} of those that replace one of dbt's or the adapter's by name (generate_schema_name,
    create_table_as, a materialization, ...): they shape every relation, so their code is part of every node's
    macros, and the vars they read (`reads`) part of every node's vars. Replacements of dbt's test macros (generic
    tests, unit tests) build no relation and are left out. -#}
{% macro self_heal_macro_index(manifest) %}
  {%- set key = '_self_heal_macro_index' -%}
  {%- if key in graph and graph[key].invocation_id == invocation_id -%}{{ return(graph[key]) }}{%- endif -%}
  {%- set skip = ['dbt', 'dbt_' ~ adapter.type(), 'dbt_self_heal'] -%}
  {%- set index = {'names': {}, 'overrides': {}, 'reads': [], 'invocation_id': invocation_id,
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
  {%- do graph.update({key: index}) -%}
  {{ return(index) }}
{% endmacro %}

{#- What code reads from outside itself: [(kind, name)] for `var('x')`, `env_var('x')` (literal names) and
    `target.x`. -#}
{% macro self_heal_reads(text) %}
  {%- set reads = [] -%}
  {%- for function, name in modules.re.findall('(?<![\\w.])(env_var|var)\\(\\s*[\'"]([^\'"]+)[\'"]', text) -%}
    {%- do reads.append((function, name)) -%}
  {%- endfor -%}
  {%- for name in modules.re.findall('(?<![\\w.])target\\.(\\w+)', text) -%}
    {%- do reads.append(('target', name)) -%}
  {%- endfor -%}
  {{ return(reads | unique | list) }}
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
    {#- What a contract enforces: column names, types and constraints (descriptions are docs, below). -#}
    {%- set contract_columns = {} -%}
    {%- for name, column in (node.get('columns') or {}).items() -%}
      {%- do contract_columns.update({name: [column.get('data_type'), column.get('constraints'), column.get('quote')]}) -%}
    {%- endfor -%}
    {%- do config.update({'contract_columns': contract_columns, 'contract_constraints': node.get('constraints')}) -%}
  {%- endif -%}
  {#- Descriptions persisted as comments are part of the relation. -#}
  {%- set docs = node.config.get('persist_docs') or {} -%}
  {%- if docs.get('relation') -%}{%- do config.update({'description': node.get('description')}) -%}{%- endif -%}
  {%- if docs.get('columns') -%}
    {%- set column_docs = {} -%}
    {%- for name, column in (node.get('columns') or {}).items() -%}{%- do column_docs.update({name: column.get('description')}) -%}{%- endfor -%}
    {%- do config.update({'column_docs': column_docs}) -%}
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
    {%- set found = manifest.find_materialization_macro_by_name(index.project, kind, adapter.type()) -%}
    {%- set entry = none -%}
    {%- if found is not none and found.package_name not in ['dbt', 'dbt_' ~ adapter.type()] -%}
      {%- set entry = {'macros': {found.unique_id: local_md5(found.macro_sql)}, 'texts': [found.macro_sql]} -%}
      {%- for uid in dbt_self_heal.self_heal_node_macros(found, manifest, memo) -%}
        {%- do entry.macros.update({uid: local_md5(manifest.macros[uid].macro_sql)}) -%}
        {%- do entry.texts.append(manifest.macros[uid].macro_sql) -%}
      {%- endfor -%}
      {%- do entry.update({'reads': dbt_self_heal.self_heal_reads(entry.texts | join('\n'))}) -%}
    {%- endif -%}
    {%- do shared.materializations.update({kind: entry}) -%}
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
      {%- do vars.update({name: dbt_self_heal.self_heal_jsonable(dbt_self_heal.self_heal_var_for(node, name, none))}) -%}
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
    {%- do reasons.append(("" if name.startswith('target.') else "var ") ~ name ~ " "
                          ~ ("(unset)" if before is none else before) ~ " → " ~ ("(unset)" if value is none else value)) -%}
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

{#- A var's value as JSON can hold it: YAML gives dates and timestamps (`start: 2025-01-01`), which become their ISO
    text; everything JSON knows is returned as it is, so fingerprints of ordinary values never change. -#}
{% macro self_heal_jsonable(value) %}
  {%- if value is none or value is string or value is number or value is boolean -%}{{ return(value) }}
  {%- elif value is mapping -%}
    {%- set out = {} -%}
    {%- for key, item in value.items() -%}{%- do out.update({key | string: dbt_self_heal.self_heal_jsonable(item)}) -%}{%- endfor -%}
    {{ return(out) }}
  {%- elif value is iterable -%}
    {%- set out = [] -%}
    {%- for item in value -%}{%- do out.append(dbt_self_heal.self_heal_jsonable(item)) -%}{%- endfor -%}
    {{ return(out) }}
  {%- endif -%}
  {{ return(value.isoformat() if value.isoformat is defined else value | string) }}
{% endmacro %}
