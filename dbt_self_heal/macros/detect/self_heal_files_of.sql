{#- Files covered by the fingerprints of these nodes and their ancestors: {path: true}. -#}
{% macro self_heal_files_of(node_ids) %}
  {%- set files = {} -%}
  {%- set seen = {} -%}
  {%- set queue = node_ids | list -%}
  {%- for uid in queue if uid not in seen -%}
    {%- do seen.update({uid: true}) -%}
    {%- set node = graph.nodes.get(uid) -%}
    {%- if node -%}
      {%- do queue.extend(node.depends_on.get('nodes', [])) -%}
      {%- for path in dbt_self_heal.self_heal_node_files(node).values() -%}{%- do files.update({path: true}) -%}{%- endfor -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(files) }}
{% endmacro %}
