{#- The healing plan: the needed nodes whose relations are missing, seeds first, then models in DAG order. -#}
{% macro self_heal_plan(needed_ids, existing) %}
  {%- set seeds = [] -%}
  {%- set models = [] -%}
  {%- set depth = {} -%}
  {%- for uid in needed_ids -%}
    {%- set node = graph.nodes[uid] -%}
    {%- set rel = self_heal_relation(node) -%}
    {%- if self_heal_relation_key(rel.database, rel.schema, rel.identifier) not in existing -%}
      {%- if node.resource_type == 'seed' -%}
        {%- do seeds.append(uid) -%}
      {%- else -%}
        {%- do models.append(uid) -%}
        {%- do self_heal_depth(uid, depth) -%}
      {%- endif -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set ordered = [] -%}
  {%- for uid in models | sort -%}{%- do ordered.append((depth[uid], uid)) -%}{%- endfor -%}
  {{ return({'seeds': seeds | sort, 'models': ordered | sort | map(attribute=1) | list}) }}
{% endmacro %}

{#- Longest path from the DAG's roots; sorting by it puts every node after all of its parents. -#}
{% macro self_heal_depth(uid, memo) %}
  {%- if uid not in memo -%}
    {%- set node = graph.nodes.get(uid) -%}
    {%- set parents = node.depends_on.get('nodes', []) if node else [] -%}
    {%- set ns = namespace(deepest=0) -%}
    {%- for parent in parents -%}
      {%- set d = self_heal_depth(parent, memo) | int -%}
      {%- if d + 1 > ns.deepest -%}{%- set ns.deepest = d + 1 -%}{%- endif -%}
    {%- endfor -%}
    {%- do memo.update({uid: ns.deepest}) -%}
  {%- endif -%}
  {{ return(memo[uid]) }}
{% endmacro %}
