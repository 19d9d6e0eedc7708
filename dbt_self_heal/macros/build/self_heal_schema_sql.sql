{#- `create schema if not exists` for every schema the given nodes live in: dbt only creates the selected nodes' ones. -#}
{% macro self_heal_schema_sql(node_ids) %}
  {%- set schemas = [] -%}
  {%- for uid in node_ids -%}
    {%- set schema = (graph.nodes[uid].database, graph.nodes[uid].schema) -%}
    {%- if schema not in schemas -%}{%- do schemas.append(schema) -%}{%- endif -%}
  {%- endfor -%}
  {%- set statements = [] -%}
  {%- for database, schema in schemas -%}
    {%- set ddl = adapter.dispatch('self_heal_create_schema_sql', 'dbt_self_heal')(database, schema) -%}
    {%- if ddl not in statements -%}{%- do statements.append(ddl) -%}{%- endif -%}
  {%- endfor -%}
  {{ return(statements) }}
{% endmacro %}
