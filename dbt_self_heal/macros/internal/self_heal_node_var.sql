{#- var() scoped as dbt scopes it for the node (context/providers.py ModelConfiguredVar): --vars, then the root
    project's vars for the node's package and its global vars, then the node's own package's. -#}
{% macro self_heal_node_var(name, default='__self_heal_no_default__') %}
  {%- set node = dbt_self_heal.self_heal_current_node() -%}
  {%- set value = dbt_self_heal.self_heal_var_for(node, name, default) -%}
  {%- if value == '__self_heal_no_default__' -%}
    {{ exceptions.raise_compiler_error("Required var '" ~ name ~ "' not found in config:\nVars supplied to "
        ~ node.name ~ " = {}") }}
  {%- endif -%}
  {{ return(value) }}
{% endmacro %}
