{#- Build one model with dbt's own materialization macro for it (the one `dbt run` would pick), called in the
    node's context inside the heal's transaction. Returns the relations the materialization reports. A seed's
    materialization reads `agate_table` through load_agate_table(). -#}
{% macro self_heal_materialize(node, compiled_sql, agate_table=none) %}
  {%- set materialization = dbt_self_heal.self_heal_dbt_materialization(node.get_materialization()) -%}
  {%- if materialization is none -%}
    {{ exceptions.raise_compiler_error("self_heal: no materialization '" ~ node.get_materialization()
        ~ "' for adapter " ~ adapter.type() ~ " (needed by " ~ node.unique_id ~ ")") }}
  {%- endif -%}
  {%- do dbt_self_heal.self_heal_enter_node(node, compiled_sql, agate_table) -%}
  {%- set result = dbt_self_heal.self_heal_dbt_call_with_adapter(materialization,
        dbt_self_heal.self_heal_transaction_adapter(context['adapter'])) -%}
  {%- do dbt_self_heal.self_heal_leave_node() -%}
  {%- set relations = result.get('relations', []) if result is mapping else [] -%}
  {%- for relation in relations -%}{%- do adapter.cache_added(relation.incorporate(dbt_created=true)) -%}{%- endfor -%}
  {{ return(relations) }}
{% endmacro %}
