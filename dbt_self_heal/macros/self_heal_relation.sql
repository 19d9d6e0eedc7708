{#- The relation a graph node materializes to, and the lower-case key the catalog query compares. -#}
{% macro self_heal_relation(node) %}
  {%- set kind = 'view' if node.config.materialized == 'view' else 'table' -%}
  {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias, type=kind)) }}
{% endmacro %}

{#- The key of a relation in the records and the catalog query: `schema.identifier` in the target's own database
    (so a copied or renamed database file keeps its records), `database.schema.identifier` in an attached one. -#}
{% macro self_heal_relation_key(database, schema, identifier) %}
  {%- set prefix = '' if (database or target.database) | lower == target.database | lower else database ~ '.' -%}
  {{ return((prefix ~ schema ~ '.' ~ identifier) | lower) }}
{% endmacro %}

{% macro self_heal_state_relation() %}
  {%- set settings = dbt_self_heal.self_heal_settings() -%}
  {{ return(api.Relation.create(database=target.database, schema=settings.state_schema,
                                identifier=settings.state_table, type='table')) }}
{% endmacro %}

{% macro self_heal_names(node_ids) %}
  {%- set names = [] -%}
  {%- for uid in node_ids -%}{%- do names.append(graph.nodes[uid].name if uid in graph.nodes else uid) -%}{%- endfor -%}
  {{ return(names) }}
{% endmacro %}

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

{#- The fingerprint record: one row per relation the heal or dbt built, beside the state table. -#}
{% macro self_heal_record_relation() %}
  {%- set settings = dbt_self_heal.self_heal_settings() -%}
  {{ return(api.Relation.create(database=target.database, schema=settings.state_schema,
                                identifier=settings.record_table, type='table')) }}
{% endmacro %}

{#- The relation as it exists now (its kind from the check, which may differ from the node's materialization). -#}
{% macro self_heal_existing_relation(node, check) %}
  {%- set key = dbt_self_heal.self_heal_relation_key(node.database, node.schema, node.alias) -%}
  {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias,
                                type=check.get('kinds', {}).get(key, 'table'))) }}
{% endmacro %}
