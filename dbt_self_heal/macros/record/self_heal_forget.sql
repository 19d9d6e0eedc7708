{% macro self_heal_forget(built) %}
  {%- set record_relation = dbt_self_heal.self_heal_record_relation() -%}
  {%- if not dbt_self_heal.self_heal_record_table_ours() -%}{{ return(none) }}{%- endif -%}
  {%- set keys = [] -%}
  {%- for uid in built -%}
    {%- set node = graph.nodes[uid] -%}
    {%- do keys.append(dbt_self_heal.self_heal_sql_string(dbt_self_heal.self_heal_relation_key(node.database, node.schema, node.alias))) -%}
  {%- endfor -%}
  {%- do run_query("delete from " ~ record_relation ~ " where relation in (" ~ keys | join(', ') ~ ")") -%}
{% endmacro %}
