{#- The healing plan for the missing nodes: seeds first (by id), then models in DAG order. -#}
{% macro self_heal_plan(missing_ids) %}
  {%- set seeds = [] -%}
  {%- set depth = {} -%}
  {%- set ordered = [] -%}
  {%- for uid in missing_ids | sort -%}
    {%- if graph.nodes[uid].resource_type == 'seed' -%}
      {%- do seeds.append(uid) -%}
    {%- else -%}
      {%- do ordered.append((dbt_self_heal.self_heal_depth(uid, depth) | int, uid)) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return({'seeds': seeds, 'models': ordered | sort | map(attribute=1) | list}) }}
{% endmacro %}

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
