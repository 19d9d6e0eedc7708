{#- Nodes the hook does not build, with why; everything else goes through dbt's own materialization for it
    (custom materializations included). Snapshots need dbt's snapshot runner, Python models a Python runtime,
    microbatch models dbt's batch runner; `external` writes files outside the database, which the heal's
    transaction could not roll back. -#}
{% macro self_heal_check_buildable(node_ids) %}
  {%- set problems = [] -%}
  {%- for uid in node_ids -%}
    {%- set node = graph.nodes[uid] -%}
    {%- set why = "it is a snapshot" if node.resource_type == 'snapshot'
          else "it is a " ~ node.language ~ " model" if node.get('language', 'sql') != 'sql'
          else "it writes files outside the database (materialized='external')" if node.config.materialized == 'external'
          else "it is a microbatch model" if node.config.get('incremental_strategy') == 'microbatch'
          else "it lives in the attached database '" ~ node.database ~ "' and DuckDB lets one transaction write to "
               ~ "one database only (the heal's transaction also writes its state in '" ~ target.database ~ "')"
               if node.database and target.database and node.database | lower != target.database | lower
          else none -%}
    {%- if why -%}
      {%- do problems.append("self_heal does not build " ~ node.unique_id ~ ": " ~ why ~ ". Build it once with "
        ~ "`dbt build --select " ~ node.name ~ "`, then rerun.") -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(problems) }}
{% endmacro %}
