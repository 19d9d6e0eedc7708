{#- Mark (or unmark) the records of these nodes unfinished: a mark makes the next run rebuild them; unmarking gives a
    record back its fingerprint and the digest it was verified under (self_heal_mark_sql). -#}
{% macro self_heal_mark_unfinished(node_ids, mark=true) %}
  {%- set keys = [] -%}
  {%- for uid in node_ids -%}
    {%- set node = graph.nodes[uid] -%}
    {%- do keys.append(dbt_self_heal.self_heal_sql_string(dbt_self_heal.self_heal_relation_key(node.database, node.schema, node.alias))) -%}
  {%- endfor -%}
  {%- if not keys -%}{{ return(none) }}{%- endif -%}
  {%- set relation = dbt_self_heal.self_heal_record_relation() -%}
  {%- set sql = dbt_self_heal.self_heal_mark_sql(relation, "(" ~ keys | join(', ') ~ ")") if mark
        else "update " ~ relation ~ " set fingerprint = substr(fingerprint, 12), verified_digest = substr(verified_digest, 5)"
             ~ " where relation in (" ~ keys | join(', ') ~ ") and fingerprint like 'unfinished:%'" -%}
  {#- Unmarking happens after the heal's commit: on its own, committed at once (no transaction is open). -#}
  {%- call statement('self_heal_mark', auto_begin=mark) -%}{{ sql }}{%- endcall -%}
{% endmacro %}
