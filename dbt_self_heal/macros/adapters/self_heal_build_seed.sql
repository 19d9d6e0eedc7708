{#- Build one planned seed. `seed`: what self_heal_seed_sql prepared for it; `existing`: its relation as it is now,
    or none when it is missing. -#}
{% macro self_heal_build_seed(node, seed, existing) %}
  {{ return(adapter.dispatch('self_heal_build_seed', 'dbt_self_heal')(node, seed, existing)) }}
{% endmacro %}

{#- A stale seed is reloaded from scratch, so a changed column set needs no --full-refresh. -#}
{% macro default__self_heal_build_seed(node, seed, existing) %}
  {%- if existing is not none -%}{%- do adapter.drop_relation(existing) -%}{%- endif -%}
  {%- do dbt_self_heal.self_heal_load_seed(node, seed.sql) -%}
{% endmacro %}

{#- dbt's own seed materialization, in the seed's context, fed the agate table. An existing table whose columns
    stay as they are is truncated and loaded again, as `dbt seed` does, so views built on it survive (dbt-postgres
    drops with CASCADE); one whose columns change, or a view in its place, is dropped first (its dependants were
    added to the plan, or the heal refused, before anything was built: self_heal_dependants). -#}
{% macro postgres__self_heal_build_seed(node, seed, existing) %}
  {%- if existing is not none and (existing.type != 'table' or seed.get('reshaped')) -%}
    {%- do adapter.drop_relation(existing) -%}
  {%- endif -%}
  {%- do dbt_self_heal.self_heal_materialize(node, none, seed.agate_table) -%}
{% endmacro %}
