{#- The records of the relations dbt itself is about to build in this run, as one statement (the hook's own, so it
    costs no extra round trip), or '' when there are none. Marked `unfinished` (healing on) or removed (healing off)
    before dbt builds them, so a run that never reaches its on-run-end hook (interrupted, killed, a failing
    on-run-end hook before this package's) cannot leave a record describing the relation as it was before; the
    on-run-end hook records what dbt built. `relation`: the record table, when the caller has it. -#}
{% macro self_heal_unfinished_sql(selected, record_exists, forget=false, relation=none) %}
  {%- set kinds = {'run': ['model'], 'build': ['model', 'seed'], 'seed': ['seed'], 'retry': ['model', 'seed']}.get(flags.WHICH, []) -%}
  {%- if not kinds or not selected or not record_exists -%}{{ return('') }}{%- endif -%}
  {%- set keys = [] -%}
  {%- set home = target.database | lower -%}
  {%- for uid in selected if uid in graph.nodes -%}
    {%- set node = graph.nodes[uid] -%}
    {%- if node.resource_type in kinds and node.config.materialized != 'ephemeral' -%}
      {#- self_heal_relation_key, inline. -#}
      {%- do keys.append("'" ~ ((('' if (node.database or home) | lower == home else node.database ~ '.')
                                 ~ node.schema ~ '.' ~ node.alias) | lower | replace("'", "''")) ~ "'") -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if not keys -%}{{ return('') }}{%- endif -%}
  {%- set relation = relation or dbt_self_heal.self_heal_record_relation() -%}
  {%- if forget -%}
    {{ return("delete from " ~ relation ~ " where relation in (" ~ keys | join(', ') ~ ")") }}
  {%- endif -%}
  {#- The old fingerprint stays behind the mark: what dbt then skips is restored by self_heal_restore_unbuilt. -#}
  {{ return("update " ~ relation ~ " set fingerprint = 'unfinished:' || fingerprint, verified_digest = null"
      ~ " where relation in (" ~ keys | join(', ') ~ ") and fingerprint not like 'unfinished:%'") }}
{% endmacro %}
