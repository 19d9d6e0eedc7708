{#- Longest path from the DAG's roots; sorting by it puts every node after all of its parents. -#}
{% macro self_heal_depth(uid, memo) %}
  {%- if uid not in memo -%}
    {%- set node = graph.nodes.get(uid) -%}
    {%- set parents = node.depends_on.get('nodes', []) if node else [] -%}
    {%- set ns = namespace(deepest=0) -%}
    {%- for parent in parents -%}
      {%- set d = dbt_self_heal.self_heal_depth(parent, memo) | int -%}
      {%- if d + 1 > ns.deepest -%}{%- set ns.deepest = d + 1 -%}{%- endif -%}
    {%- endfor -%}
    {%- do memo.update({uid: ns.deepest}) -%}
  {%- endif -%}
  {{ return(memo[uid]) }}
{% endmacro %}
