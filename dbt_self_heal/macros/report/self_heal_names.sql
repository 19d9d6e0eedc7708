{% macro self_heal_names(node_ids) %}
  {%- set names = [] -%}
  {%- for uid in node_ids -%}
    {%- set node = graph.nodes.get(uid) -%}
    {#- A versioned model is named as dbt names it: dim_item.v2. -#}
    {%- do names.append(uid if node is none else node.name ~ ('.v' ~ node.version if node.get('version') is not none else '')) -%}
  {%- endfor -%}
  {{ return(names) }}
{% endmacro %}
