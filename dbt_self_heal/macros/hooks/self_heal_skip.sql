{#- The on-run-start hook of a run that does not heal (var self_heal_enabled false, or --defer): say so, and drop the
    records of what dbt builds now, which may come from other inputs than its record says. -#}
{% macro self_heal_skip(reason, message) %}
  {%- do dbt_self_heal.self_heal_emit({'event': 'heal_skipped', 'reason': reason}, message) -%}
  {{ return(dbt_self_heal.self_heal_unfinished_sql(selected_resources, dbt_self_heal.self_heal_record_table_ours(), forget=true)) }}
{% endmacro %}
