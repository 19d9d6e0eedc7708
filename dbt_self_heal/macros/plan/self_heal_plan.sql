{#- The plan: from a check's findings, what to build (in build order), adopt, hold or refuse, with the reason each
    existing relation is rebuilt. Pure: reads the check and the graph, touches no database, so the on-run-start hook
    and `self_heal_status` decide identically. Returns {'seeds': [...], 'models': [...], 'rebuild': seeds + models,
    'adopt': [...], 'stale': [{relation, unique_id, reason}], 'held': [...], 'lost': [...], 'kept': [...]}. -#}
{% macro self_heal_plan(check, settings) %}
  {#- Only missing relations (a new workspace, or some dropped): build them all, and nothing existing is rebuilt. -#}
  {%- set replaces = check.wrong_kind or check.stale or check.unrecorded or flags.EMPTY -%}
  {%- if not replaces -%}{%- do check.update({'held': [], 'lost': dbt_self_heal.self_heal_lost(check)}) -%}{%- endif -%}
  {%- set decided = dbt_self_heal.self_heal_rebuild_set(check, settings) if replaces
        else {'rebuild': check.missing, 'adopt': []} -%}
  {%- set order = dbt_self_heal.self_heal_build_order(decided.rebuild) -%}
  {%- set rebuild = order.seeds + order.models -%}
  {{ return({'seeds': order.seeds, 'models': order.models, 'rebuild': rebuild, 'adopt': decided.adopt,
             'stale': dbt_self_heal.self_heal_stale_list(check, rebuild) if replaces else [],
             'held': check.get('held', []), 'lost': check.get('lost', []), 'kept': check.get('kept', [])}) }}
{% endmacro %}
