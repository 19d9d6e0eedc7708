{#- Record the current fingerprints of relations just built (`built_by`: self_heal, dbt or adopted). -#}
{% macro self_heal_record_fingerprints(node_ids, fingerprints, stats, hashes, built_by, record_exists, digest) %}
  {%- if not node_ids -%}{{ return(none) }}{%- endif -%}
  {%- if not record_exists -%}
    {%- do run_query(dbt_self_heal.self_heal_record_ddl()) -%}
    {%- do adapter.cache_added(dbt_self_heal.self_heal_record_relation()) -%}
  {%- endif -%}
  {%- set now = dbt_self_heal.self_heal_sql_timestamp(dbt_self_heal.self_heal_now()) -%}
  {%- set digest_sql = 'null' if digest is none else dbt_self_heal.self_heal_sql_string(digest) -%}
  {%- set home = target.database | lower -%}
  {%- set rows = [] -%}
  {%- for uid in node_ids -%}
    {%- set node = graph.nodes[uid] -%}
    {%- set files = {} -%}
    {%- for path in dbt_self_heal.self_heal_node_files(node).values() -%}
      {%- do files.update({path: [stats.get(path), hashes.get(path)]}) -%}
    {%- endfor -%}
    {#- The string values quoted in one pass (self_heal_sql_string's quoting; self_heal_relation_key, inline). -#}
    {%- set values = [(('' if (node.database or home) | lower == home else node.database ~ '.') ~ node.schema ~ '.' ~ node.alias) | lower,
                      uid, fingerprints[uid].fingerprint, tojson(fingerprints[uid].parts, sort_keys=true), tojson(files),
                      invocation_id, built_by] -%}
    {%- do rows.append("('" ~ values | map('replace', "'", "''") | join("', '") ~ "', " ~ now ~ ", " ~ digest_sql ~ ")") -%}
  {%- endfor -%}
  {#- An upsert both DuckDB and Postgres take (DuckDB's `insert or replace` is its shorthand for it). -#}
  {%- do run_query("insert into " ~ dbt_self_heal.self_heal_record_relation()
      ~ " (relation, unique_id, fingerprint, parts, files, invocation_id, built_by, built_at, verified_digest) values\n"
      ~ rows | join(",\n")
      ~ "\non conflict (relation) do update set unique_id = excluded.unique_id, fingerprint = excluded.fingerprint, "
      ~ "parts = excluded.parts, files = excluded.files, built_at = excluded.built_at, "
      ~ "invocation_id = excluded.invocation_id, built_by = excluded.built_by, verified_digest = excluded.verified_digest") -%}
{% endmacro %}
