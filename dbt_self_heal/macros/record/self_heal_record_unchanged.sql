{#- On-run-end, before fingerprinting what dbt built: a relation whose record was verified under this run's project
    digest when the run marked it (self_heal_unfinished_sql keeps that digest behind 'was:') gets the fingerprint it
    had, since everything a fingerprint is made of is in the digest (self_heal_project_digest). Such records are
    restored in one statement, as built by dbt now, and only the rest is fingerprinted (self_heal_record_built), so a
    healthy run compiles none of the fingerprint macros. Records of adopted relations are fingerprinted afresh (their
    parts name the kind they were adopted as). Returns the nodes still to record; only called
    with records and a digest (self_heal_finalize). -#}
{% macro self_heal_record_unchanged(built, check) %}
  {%- set uid_of = {} -%}
  {%- for uid in built -%}
    {%- set node = graph.nodes[uid] -%}
    {%- do uid_of.update({dbt_self_heal.self_heal_relation_key(node.database, node.schema, node.alias): uid}) -%}
  {%- endfor -%}
  {%- set restored = run_query("update " ~ dbt_self_heal.self_heal_record_relation()
      ~ " set fingerprint = substr(fingerprint, 12), verified_digest = '" ~ check.digest ~ "', built_at = "
      ~ dbt_self_heal.self_heal_sql_timestamp(dbt_self_heal.self_heal_now()) ~ ", invocation_id = '" ~ invocation_id
      ~ "', built_by = 'dbt' where relation in ('" ~ uid_of.keys() | map('replace', "'", "''") | join("', '")
      ~ "') and fingerprint like 'unfinished:%' and verified_digest = 'was:" ~ check.digest
      ~ "' and coalesce(parts, '') not like '%adopted_kind%' returning relation").columns[0].values() -%}
  {%- set done = [] -%}
  {%- for key in restored -%}{%- do done.append(uid_of[key]) -%}{%- endfor -%}
  {{ return(built | reject('in', done) | list) }}
{% endmacro %}
