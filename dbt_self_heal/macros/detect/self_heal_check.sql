{#- The check every run makes: for the relations it needs, which are missing, of the wrong kind, without a
    fingerprint record, or stale (recorded fingerprint differs from the current one), with the reasons. One catalog
    query answers existence, kinds, records and file stats; files are hashed only when their size or time changed.
    A healthy run whose plan was recorded under this project digest skips it (self_heal_check_recorded). -#}
{% macro self_heal_check(needed, file_readers, selected=none) %}
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
  {#- The records of what dbt is about to build (`selected`) are marked unfinished in the same round trip. -#}
  {%- set marked = dbt_self_heal.self_heal_built_keys(selected) if record_exists else [] -%}
  {%- set mark = dbt_self_heal.self_heal_unfinished_sql(selected, record_exists, keys=marked) if marked else '' -%}
  {%- set found = dbt_self_heal.self_heal_inspect(keys, record_relation if record_exists else none, paths | list, mark) -%}
  {%- set base = dbt_self_heal.self_heal_project_digest() -%}
  {%- set result = dbt_self_heal.self_heal_check_found(needed, keys, found,
                                                      dbt_self_heal.self_heal_project_digest(found.files, base)) -%}
  {%- do result.update({'state_exists': state_exists, 'record_exists': record_exists, 'base': base, 'paths': paths | list,
                       'marked': marked}) -%}
  {#- Fast path: nothing in the project, its vars, env vars or covered files changed since every needed relation
      was last found fresh (or built), so their recorded fingerprints are current. -#}
  {%- if result.verified -%}{{ return(result) }}{%- endif -%}
  {#- A new workspace has none of them: all missing, nothing else to look at. -#}
  {%- if found.relations -%}
    {%- do dbt_self_heal.self_heal_classify_found(result, needed, keys, found) -%}
  {%- else -%}
    {%- do result.missing.extend(needed) -%}
  {%- endif -%}
  {#- Under --empty, what the heal builds (the missing) is built empty: self_heal_node_fingerprint's `empty` part. -#}
  {%- if flags.EMPTY -%}{%- do dbt_self_heal.self_heal_run_state().update({'missing_under_empty': result.missing}) -%}{%- endif -%}
  {{ return(dbt_self_heal.self_heal_check_fingerprints(result, needed, keys, found)) }}
{% endmacro %}

{#- What is wrong with the needed relations that exist, relation by relation (self_heal_check; the kinds as in
    self_heal_check_found): fills result.missing, wrong_kind (with reasons), unrecorded and foreign_kinds. -#}
{% macro self_heal_classify_found(result, needed, keys, found) %}
  {%- set kinds = {'view': 'view', 'table': 'table', 'incremental': 'table', 'seed': 'table', 'snapshot': 'table',
                  'materialized_view': 'materialized_view'} -%}
  {%- for uid in needed -%}
    {%- set node = graph.nodes[uid] -%}
    {%- set key = keys[loop.index0] -%}
    {%- set record = found.records.get(key) -%}
    {%- if key not in found.relations -%}
      {%- do result.missing.append(uid) -%}
    {%- elif kinds.get(node.config.materialized, found.relations[key]) != found.relations[key]
          and (record is none or ('"adopted_kind": "' ~ found.relations[key] ~ '"') not in (record.parts or '')) -%}
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
  {%- endfor -%}
{% endmacro %}
