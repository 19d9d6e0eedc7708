{#- The relation as it exists now (its kind from the check, which may differ from the node's materialization). -#}
{% macro self_heal_existing_relation(node, check) %}
  {%- set key = dbt_self_heal.self_heal_relation_key(node.database, node.schema, node.alias) -%}
  {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias,
                                type=check.get('kinds', {}).get(key, 'table'))) }}
{% endmacro %}
