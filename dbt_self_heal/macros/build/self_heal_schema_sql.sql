{#- `create schema if not exists` for every schema the given nodes live in: dbt only creates the selected nodes' ones. -#}
{% macro self_heal_schema_sql(node_ids) %}
  {%- set statements = [] -%}
  {%- for uid in node_ids -%}
    {%- set rel = dbt_self_heal.self_heal_relation(graph.nodes[uid]) -%}
    {%- set ddl = "create schema if not exists " ~ adapter.quote(rel.database) ~ "." ~ adapter.quote(rel.schema) -%}
    {%- if ddl not in statements -%}{%- do statements.append(ddl) -%}{%- endif -%}
  {%- endfor -%}
  {{ return(statements) }}
{% endmacro %}
