{#- The order the heal builds nodes in: seeds first (by id), then models in DAG order. -#}
{% macro self_heal_build_order(missing_ids) %}
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
