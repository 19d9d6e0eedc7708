{% macro self_heal_names(node_ids) %}
  {%- set names = [] -%}
  {%- for uid in node_ids -%}{%- do names.append(graph.nodes[uid].name if uid in graph.nodes else uid) -%}{%- endfor -%}
  {{ return(names) }}
{% endmacro %}
