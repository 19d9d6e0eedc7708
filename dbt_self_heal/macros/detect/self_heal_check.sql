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
                  ~ " where relation in (" ~ marked | join(', ') ~ ") and fingerprint not like 'unfinished:%'")
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
