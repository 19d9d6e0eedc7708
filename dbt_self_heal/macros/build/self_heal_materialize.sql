{#- Build one model with dbt's own materialization macro for it (the one `dbt run` would pick), called in the
    node's context inside the heal's transaction. Returns the relations the materialization reports. A seed's
    materialization reads `agate_table` through load_agate_table(). -#}
{% macro self_heal_materialize(node, compiled_sql, agate_table=none) %}
  {%- set engine = dbt_self_heal.self_heal_engine() -%}
  {%- set materialization = engine.manifest.find_materialization_macro_by_name(
        engine.config.project_name, node.get_materialization(), adapter.type()) -%}
  {%- if materialization is none -%}
    {{ exceptions.raise_compiler_error("self_heal: no materialization '" ~ node.get_materialization()
        ~ "' for adapter " ~ adapter.type() ~ " (needed by " ~ node.unique_id ~ ")") }}
  {%- endif -%}
  {%- set run_materialization = context.get(materialization.name)
        if materialization.package_name in ['dbt', 'dbt_' ~ adapter.type()]
        else context[materialization.package_name][materialization.name] -%}
  {%- do dbt_self_heal.self_heal_enter_node(node, compiled_sql, agate_table) -%}
  {%- set real_adapter = context['adapter'] -%}
  {%- do context.update({'adapter': dbt_self_heal.self_heal_transaction_adapter(real_adapter)}) -%}
  {%- set result = run_materialization() -%}
  {%- do context.update({'adapter': real_adapter}) -%}
  {%- do dbt_self_heal.self_heal_leave_node() -%}
  {%- set relations = result.get('relations', []) if result is mapping else [] -%}
  {%- for relation in relations -%}{%- do adapter.cache_added(relation.incorporate(dbt_created=true)) -%}{%- endfor -%}
  {{ return(relations) }}
{% endmacro %}
