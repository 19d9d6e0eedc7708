{% macro self_heal_record_built(built, check) %}
  {%- set record_relation = dbt_self_heal.self_heal_record_relation() -%}
  {%- set record_exists = check.record_exists or adapter.get_relation(record_relation.database,
        record_relation.schema, record_relation.identifier) is not none -%}
  {#- File hashes: the check's, else the recorded one while a file's size and time are unchanged, else hashed. -#}
  {%- set stats = dict(check.files) -%}
  {%- set hashes = dict(check.hashes) -%}
  {%- set unhashed = dbt_self_heal.self_heal_files_of(built) | reject('in', hashes) | list -%}
  {%- if unhashed -%}
    {%- set keys = [] -%}
    {%- for uid in built -%}
      {%- set node = graph.nodes[uid] -%}
      {%- do keys.append(dbt_self_heal.self_heal_relation_key(node.database, node.schema, node.alias)) -%}
    {%- endfor -%}
    {%- set found = dbt_self_heal.self_heal_inspect(keys, record_relation if record_exists else none, unhashed) -%}
    {%- do found.records.update(check.records) -%}
    {%- do stats.update(found.files) -%}
    {%- if found.files -%}{%- do hashes.update(dbt_self_heal.self_heal_known_hashes(found.records, found.files)) -%}{%- endif -%}
  {%- endif -%}
  {#- Nodes dbt rebuilt are hashed again (their parents may have been rebuilt too); the rest are the check's. -#}
  {%- set known = {} -%}
  {%- for uid, value in check.fingerprints.items() if uid not in built -%}{%- do known.update({uid: value}) -%}{%- endfor -%}
  {%- set fingerprints = dbt_self_heal.self_heal_fingerprints(built, hashes, known) -%}
  {%- do dbt_self_heal.self_heal_record_fingerprints(built, fingerprints, stats, hashes, 'dbt', record_exists,
                                                     check.digest) -%}
{% endmacro %}
