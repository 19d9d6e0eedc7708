{#- The plan: from a check's findings, what to build (in build order), adopt, hold or refuse, with the reason each
    existing relation is rebuilt. Pure: reads the check and the graph, touches no database, so the on-run-start hook
    and `self_heal_status` decide identically. Returns {'seeds': [...], 'models': [...], 'rebuild': seeds + models,
    'adopt': [...], 'stale': [{relation, unique_id, reason}], 'held': [...], 'lost': [...], 'kept': [...]}. -#}
{% macro self_heal_plan(check, settings) %}
  {%- set decided = dbt_self_heal.self_heal_rebuild_set(check, settings) -%}
  {%- set order = dbt_self_heal.self_heal_build_order(decided.rebuild) -%}
  {%- set rebuild = order.seeds + order.models -%}
  {{ return({'seeds': order.seeds, 'models': order.models, 'rebuild': rebuild, 'adopt': decided.adopt,
             'stale': dbt_self_heal.self_heal_stale_list(check, rebuild), 'held': check.get('held', []),
             'lost': check.get('lost', []), 'kept': check.get('kept', [])}) }}
{% endmacro %}
