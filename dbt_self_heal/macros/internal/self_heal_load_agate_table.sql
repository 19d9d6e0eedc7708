{#- load_agate_table() for the seed being built: the table self_heal_seed_sql read for it (the hook's own
    load_agate_table is bound to the hook node and refuses any other). -#}
{% macro self_heal_load_agate_table() %}
  {%- set table = context['self_heal__engine_state'].stack[-1].agate_table -%}
  {%- if table is none -%}
    {{ exceptions.raise_compiler_error("self_heal: load_agate_table() called while building "
        ~ dbt_self_heal.self_heal_current_node().unique_id ~ ", which is not a seed") }}
  {%- endif -%}
  {{ return(table) }}
{% endmacro %}
