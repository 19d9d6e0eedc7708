{#- `create schema if not exists` for every schema the given nodes live in: dbt only creates the selected nodes' ones. -#}
{% macro self_heal_schema_sql(node_ids) %}
  {%- set statements = [] -%}
  {%- for uid in node_ids -%}
    {%- set rel = dbt_self_heal.self_heal_relation(graph.nodes[uid]) -%}
    {%- set ddl = dbt_self_heal.self_heal_create_schema_sql(rel.database, rel.schema) -%}
    {%- if ddl not in statements -%}{%- do statements.append(ddl) -%}{%- endif -%}
  {%- endfor -%}
  {{ return(statements) }}
{% endmacro %}
