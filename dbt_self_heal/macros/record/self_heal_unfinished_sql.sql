{#- The records of the relations dbt itself is about to build in this run, as one statement (the hook's own, so it
    costs no extra round trip), or '' when there are none. Marked `unfinished` (healing on) or removed (healing off)
    before dbt builds them, so a run that never reaches its on-run-end hook (interrupted, killed, a failing
    on-run-end hook before this package's) cannot leave a record describing the relation as it was before; the
    on-run-end hook records what dbt built. `keys`: those relations' keys, when the caller has them
    (self_heal_built_keys). A recorded plan keeps them, and self_heal_check_recorded marks them from it. -#}
{% macro self_heal_unfinished_sql(selected, record_exists, forget=false, keys=none) %}
  {%- set keys = dbt_self_heal.self_heal_built_keys(selected) if keys is none else keys -%}
  {%- if not keys or not record_exists -%}{{ return('') }}{%- endif -%}
  {%- set relation = dbt_self_heal.self_heal_record_relation() -%}
  {%- set quoted = "('" ~ (keys | map('replace', "'", "''") | join("', '")) ~ "')" -%}
  {%- if forget -%}
    {{ return("delete from " ~ relation ~ " where relation in " ~ quoted) }}
  {%- endif -%}
  {{ return(dbt_self_heal.self_heal_mark_sql(relation, quoted)) }}
{% endmacro %}

{#- The relation keys of the selected models and seeds this command builds (not ephemerals). -#}
{% macro self_heal_built_keys(selected) %}
  {%- set kinds = {'run': ['model'], 'build': ['model', 'seed'], 'seed': ['seed'], 'retry': ['model', 'seed']}.get(flags.WHICH, []) -%}
  {%- set keys = [] -%}
  {%- set home = target.database | lower -%}
  {%- for uid in (selected or []) if kinds and uid in graph.nodes -%}
    {%- set node = graph.nodes[uid] -%}
    {%- if node.resource_type in kinds and node.config.materialized != 'ephemeral' -%}
      {#- self_heal_relation_key, inline. -#}
      {%- do keys.append((('' if (node.database or home) | lower == home else node.database ~ '.')
                          ~ node.schema ~ '.' ~ node.alias) | lower) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(keys) }}
{% endmacro %}
