{#- The check every run makes: for the relations it needs, which are missing, of the wrong kind, without a
    fingerprint record, or stale (recorded fingerprint differs from the current one), with the reasons. One catalog
    query answers existence, kinds, records and file stats; files are hashed only when their size or time changed. -#}
{% macro self_heal_check(needed, file_readers, selected=none) %}
  {#- Runs on every invocation: lookups are inline rather than helper calls (dbt compiles each macro it calls). -#}
  {%- set settings = dbt_self_heal.self_heal_settings() -%}
  {%- set state_relation = api.Relation.create(database=target.database, schema=settings.state_schema,
                                              identifier=settings.state_table, type='table') -%}
  {%- set record_relation = api.Relation.create(database=target.database, schema=settings.state_schema,
                                               identifier=settings.record_table, type='table') -%}
  {%- set state_exists = adapter.get_relation(state_relation.database, state_relation.schema,
                                              state_relation.identifier) is not none -%}
  {%- set record_exists = adapter.get_relation(record_relation.database, record_relation.schema,
                                               record_relation.identifier) is not none -%}
  {%- set keys = [] -%}
  {%- set home = target.database | lower -%}
  {%- for uid in needed -%}
    {%- set node = graph.nodes[uid] -%}
    {#- self_heal_relation_key, inline. -#}
    {%- do keys.append((('' if (node.database or home) | lower == home else node.database ~ '.')
                        ~ node.schema ~ '.' ~ node.alias) | lower) -%}
  {%- endfor -%}
  {%- set paths = {} -%}
  {%- for uid in file_readers -%}
    {%- for path in dbt_self_heal.self_heal_node_files(graph.nodes[uid]).values() -%}{%- do paths.update({path: true}) -%}{%- endfor -%}
  {%- endfor -%}
  {#- The records of what dbt is about to build (`selected`) are marked unfinished in the same round trip
      (self_heal_unfinished_sql, inline: a macro call costs its compile on every run). -#}
  {%- set kinds = {'run': ['model'], 'build': ['model', 'seed'], 'seed': ['seed'], 'retry': ['model', 'seed']}.get(flags.WHICH, [])
        if selected and record_exists else [] -%}
  {%- set marked = [] -%}
  {%- for uid in (selected or []) if kinds and uid in graph.nodes -%}
    {%- set node = graph.nodes[uid] -%}
    {%- if node.resource_type in kinds and node.config.materialized != 'ephemeral' -%}
      {%- do marked.append("'" ~ ((('' if (node.database or home) | lower == home else node.database ~ '.')
                                   ~ node.schema ~ '.' ~ node.alias) | lower | replace("'", "''")) ~ "'") -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set mark = ("update " ~ record_relation ~ " set fingerprint = 'unfinished:' || fingerprint, verified_digest = null"
                  ~ " where relation in (" ~ marked | join(', ') ~ ") and not starts_with(fingerprint, 'unfinished:')")
                 if marked else '' -%}
  {%- set found = dbt_self_heal.self_heal_inspect(keys, record_relation if record_exists else none, paths | list, mark) -%}
  {%- set digest = dbt_self_heal.self_heal_project_digest(found.files) -%}
  {%- set result = {'missing': [], 'wrong_kind': [], 'unrecorded': [], 'foreign_kinds': {}, 'stale': [], 'reasons': {},
                    'fingerprints': {}, 'files': found.files, 'hashes': {}, 'keys': {}, 'digest': digest,
                    'records': found.records, 'kinds': found.relations, 'verified': true,
                    'state_exists': state_exists, 'record_exists': record_exists} -%}
  {#- The kind each built-in materialization leaves; any other (dbt-duckdb's external is a view over files, custom
      materializations) may leave either, so its kind is not checked. -#}
  {%- set kinds = {'view': 'view', 'table': 'table', 'incremental': 'table', 'seed': 'table', 'snapshot': 'table'} -%}
  {%- for uid in needed -%}
    {%- set node = graph.nodes[uid] -%}
    {%- set key = keys[loop.index0] -%}
    {%- do result['keys'].update({uid: key}) -%}
    {%- set record = found.records.get(key) -%}
    {%- if key not in found.relations -%}
      {%- do result.missing.append(uid) -%}
      {%- do result.update({'verified': false}) -%}
    {%- elif kinds.get(node.config.materialized, found.relations[key]) != found.relations[key]
          and (record is none or ('"adopted_kind": "' ~ found.relations[key] ~ '"') not in (record.parts or '')) -%}
      {%- do result.update({'verified': false}) -%}
      {%- if record is none -%}
        {#- Not built here (`dbt clone` leaves views, for one): an unrecorded relation, under the same policy. -#}
        {%- do result.unrecorded.append(uid) -%}
        {%- do result.foreign_kinds.update({uid: found.relations[key]}) -%}
      {%- else -%}
        {%- do result.wrong_kind.append(uid) -%}
        {%- do result.reasons.update({uid: "is a " ~ found.relations[key] ~ " but " ~ node.name ~ " is materialized as "
                                           ~ node.config.materialized}) -%}
      {%- endif -%}
    {%- elif record is none -%}
      {%- do result.unrecorded.append(uid) -%}
    {%- endif -%}
    {%- if record is none or record.verified != digest -%}{%- do result.update({'verified': false}) -%}{%- endif -%}
  {%- endfor -%}
  {#- Fast path: nothing in the project, its vars, env vars or covered files changed since every needed relation
      was last found fresh (or built), so their recorded fingerprints are current. -#}
  {%- if result.verified -%}
    {%- for uid in needed -%}
      {%- set record = found.records[keys[loop.index0]] -%}
      {%- do result.fingerprints.update({uid: {'fingerprint': record.fingerprint, 'recorded_parts': record.parts}}) -%}
    {%- endfor -%}
    {{ return(result) }}
  {%- endif -%}
  {{ return(dbt_self_heal.self_heal_check_fingerprints(result, needed, keys, found)) }}
{% endmacro %}

{#- The slow path of the check (its own macro, so healthy runs on the fast path never compile it): every needed
    node's fingerprint against its record. -#}
{% macro self_heal_check_fingerprints(result, needed, keys, found) %}
  {%- set hashes = dbt_self_heal.self_heal_known_hashes(found.records, found.files) -%}
  {%- set fingerprints = dbt_self_heal.self_heal_fingerprints(needed, hashes) -%}
  {%- do result.update({'fingerprints': fingerprints, 'hashes': hashes}) -%}
  {%- for uid in needed -%}
    {%- set record = found.records.get(keys[loop.index0]) -%}
    {#- A snapshot holds history that only `dbt snapshot` adds to: used as it is, never rebuilt as stale. -#}
    {%- if record is not none and uid not in result.missing and uid not in result.wrong_kind
          and record.fingerprint != fingerprints[uid].fingerprint and graph.nodes[uid].resource_type != 'snapshot' -%}
      {%- do result.stale.append(uid) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(result) }}
{% endmacro %}

{#- Files covered by the fingerprints of these nodes and their ancestors: {path: true}. -#}
{% macro self_heal_files_of(node_ids) %}
  {%- set files = {} -%}
  {%- set seen = {} -%}
  {%- set queue = node_ids | list -%}
  {%- for uid in queue if uid not in seen -%}
    {%- do seen.update({uid: true}) -%}
    {%- set node = graph.nodes.get(uid) -%}
    {%- if node -%}
      {%- do queue.extend(node.depends_on.get('nodes', [])) -%}
      {%- for path in dbt_self_heal.self_heal_node_files(node).values() -%}{%- do files.update({path: true}) -%}{%- endfor -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(files) }}
{% endmacro %}

{#- Content hashes for the files: the recorded one while size and modification time are unchanged, else hashed now. -#}
{% macro self_heal_known_hashes(records, stats) %}
  {%- set hashes = {} -%}
  {%- if not stats -%}{{ return(hashes) }}{%- endif -%}
  {%- set recorded = {} -%}
  {%- for record in records.values() if record.get('files') -%}
    {%- do recorded.update(fromjson(record.files)) -%}
  {%- endfor -%}
  {%- set changed = [] -%}
  {%- for path, stat in stats.items() -%}
    {%- if path in recorded and recorded[path][0] == stat -%}
      {%- do hashes.update({path: recorded[path][1]}) -%}
    {%- else -%}
      {%- do changed.append(path) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if changed -%}{%- do hashes.update(dbt_self_heal.self_heal_file_hashes(changed)) -%}{%- endif -%}
  {{ return(hashes) }}
{% endmacro %}

{#- The relations of `rebuild` that exist, each with why it is rebuilt: [{relation, unique_id, reason}]. -#}
{% macro self_heal_stale_list(check, rebuild) %}
  {%- set rebuilt = {} -%}
  {%- for uid in rebuild -%}{%- do rebuilt.update({uid: true}) -%}{%- endfor -%}
  {%- set stale = [] -%}
  {%- for uid in rebuild if uid not in check.missing -%}
    {%- set node = graph.nodes[uid] -%}
    {%- set reason = check.reasons.get(uid) -%}
    {%- set record = check.records.get(check['keys'][uid]) -%}
    {%- if reason is none and record.fingerprint.startswith('unfinished:') -%}
      {%- set reason = "a run that rebuilt it stopped before recording what it built (interrupted, killed, or an "
                       ~ "on-run-end hook before this package's failed)" -%}
    {%- elif reason is none -%}
      {%- set reason = dbt_self_heal.self_heal_stale_reason(node, fromjson(record.parts or '{}'),
            check.fingerprints[uid].parts, record.built_at, rebuilt) -%}
    {%- endif -%}
    {%- do stale.append({'relation': node.name, 'unique_id': uid, 'reason': reason}) -%}
  {%- endfor -%}
  {{ return(stale) }}
{% endmacro %}

{#- What to rebuild: missing, wrong-kind and stale relations, and, by var self_heal_unrecorded ('rebuild', the
    default, or 'adopt'), relations without a record. Incremental models and snapshots without a record are always
    adopted: their rows may hold history that only they have. Adopted relations get their current fingerprint
    recorded (and, when they are of another kind than the node's materialization leaves, that kind, which the kind
    check then accepts). -#}
{% macro self_heal_rebuild_set(check, settings) %}
  {%- if flags.EMPTY -%}
    {#- Plain `dbt --empty` never touches a relation it does not select: only missing ones are built (empty);
        existing ones are kept, whatever their records say, and stay unverified for the next full run. -#}
    {%- do check.update({'kept': check.wrong_kind + check.stale + check.unrecorded, 'held': [], 'lost': []}) -%}
    {{ return({'rebuild': check.missing, 'adopt': []}) }}
  {%- endif -%}
  {%- set rebuild = check.missing + check.wrong_kind -%}
  {#- Running an incremental model again is safe only when it replaces what it adds (a unique_key, with a
      strategy other than append); one that appends would add its rows a second time when the run that should
      process them comes. Such a stale incremental is held as it is, and said so. -#}
  {%- set held = [] -%}
  {%- for uid in check.stale -%}
    {%- set config = graph.nodes[uid].config -%}
    {%- if config.materialized == 'incremental'
          and (not config.get('unique_key') or config.get('incremental_strategy') == 'append') -%}
      {%- do held.append(uid) -%}
    {%- else -%}
      {%- do rebuild.append(uid) -%}
    {%- endif -%}
  {%- endfor -%}
  {#- A missing incremental model that has a record was built here before: it may have held rows that earlier
      runs added (other simulation years), which rebuilding it from one run cannot bring back. -#}
  {%- set lost = [] -%}
  {%- for uid in check.missing if graph.nodes[uid].config.materialized == 'incremental'
                                 and check.records.get(check['keys'][uid]) is not none -%}
    {%- do lost.append(uid) -%}
  {%- endfor -%}
  {%- do check.update({'held': held, 'lost': lost}) -%}
  {%- set adopt = [] -%}
  {%- for uid in check.unrecorded -%}
    {%- if settings.unrecorded == 'rebuild' and graph.nodes[uid].config.materialized != 'incremental'
          and graph.nodes[uid].resource_type != 'snapshot' -%}
      {%- do rebuild.append(uid) -%}
      {%- do check.reasons.update({uid: "it has no fingerprint record (built outside these hooks)"
          ~ ("; it is a " ~ check.foreign_kinds[uid] ~ " but " ~ graph.nodes[uid].name ~ " is materialized as "
             ~ graph.nodes[uid].config.materialized if uid in check.foreign_kinds else "")}) -%}
    {%- else -%}
      {%- do adopt.append(uid) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return({'rebuild': rebuild, 'adopt': adopt}) }}
{% endmacro %}

{#- One hash of everything fingerprints are made of, for the whole project: every file dbt read (its checksums),
    --vars and the projects' vars, the env vars dbt saw while parsing, the target, --empty, and the size and
    modification time of the files fingerprints cover. Computed by dbt's objects and filters, not per node. -#}
{% macro self_heal_project_digest(stats) %}
  {%- set resolver = context['builtins']['ref'] -%}{#- self_heal_resolver(), inline: this runs on every run -#}
  {%- set manifest, config = resolver.manifest, resolver.config -%}
  {%- set project_vars = [config.vars.vars] -%}
  {%- for project in config.load_dependencies().values() -%}{%- do project_vars.append(project.vars.vars) -%}{%- endfor -%}
  {%- set env_values = {} -%}
  {%- for name in manifest.env_vars -%}{%- do env_values.update({name: env_var(name, '__self_heal_unset__')}) -%}{%- endfor -%}
  {#- Vars as Python writes them, not JSON: YAML vars may hold dates, which JSON cannot (their order is the order
      they are written in, which is what changes them). -#}
  {#- dbt's own parse-state hashes: every project's dbt_project.yml (config set there, hooks, dispatch), the vars,
      and the env vars dbt_project.yml and profiles.yml read (manifest.files holds neither file). -#}
  {%- set state = manifest.state_check -%}
  {%- set parse_state = [] if state is none else [
        state.vars_hash.checksum, state.project_env_vars_hash.checksum, state.profile_env_vars_hash.checksum,
        state.project_hashes.values() | map(attribute='checksum') | sort | list] -%}
  {{ return(local_md5(manifest.files.values() | map(attribute='checksum') | map(attribute='checksum') | sort | join(',')
      ~ '|' ~ (config.cli_vars | string) ~ (project_vars | string)
      ~ '|' ~ tojson([target.name, target.database, target.schema, flags.EMPTY is true, stats, parse_state], sort_keys=true)
      ~ '|' ~ local_md5(tojson(env_values, sort_keys=true)))) }}
{% endmacro %}
