{#- Whether the record table exists and is this package's: a project node of that name (refused when healing is on)
    must never see the package's statements. -#}
{% macro self_heal_record_table_ours() %}
  {%- set settings = dbt_self_heal.self_heal_settings() -%}
  {%- set name, schema, home = settings.record_table | lower, settings.state_schema | lower, target.database | lower -%}
  {%- for node in graph.nodes.values() if node.resource_type in ['seed', 'model', 'snapshot'] -%}
    {%- if node.alias | lower == name and node.schema | lower == schema and (node.database or home) | lower == home -%}
      {{ return(false) }}
    {%- endif -%}
  {%- endfor -%}
  {{ return(adapter.get_relation(target.database, settings.state_schema, settings.record_table) is not none) }}
{% endmacro %}
