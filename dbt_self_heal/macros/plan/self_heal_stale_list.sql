{#- The relations of `rebuild` that exist, each with why it is rebuilt: [{relation, unique_id, reason}]. -#}
{% macro self_heal_stale_list(check, rebuild) %}
  {%- set rebuilt = {} -%}
  {%- for uid in rebuild -%}{%- do rebuilt.update({uid: true}) -%}{%- endfor -%}
  {%- set stale = [] -%}
  {%- for uid in rebuild if uid not in check.missing -%}
    {%- set node = graph.nodes[uid] -%}
    {%- set reason = check.reasons.get(uid) -%}
    {%- set record = check.records.get(check['keys'][uid]) -%}
    {%- if reason is none and record.fingerprint.startswith('unfinished:') -%}
      {%- set reason = "a run that rebuilt it stopped before recording what it built (interrupted, killed, or an "
                       ~ "on-run-end hook before this package's failed)" -%}
    {%- elif reason is none -%}
      {%- set reason = dbt_self_heal.self_heal_stale_reason(node, fromjson(record.parts or '{}'),
            check.fingerprints[uid].parts, record.built_at, rebuilt) -%}
    {%- endif -%}
    {#- A versioned model as dbt names it: dim_item.v2. -#}
    {%- do stale.append({'relation': dbt_self_heal.self_heal_names([uid])[0], 'unique_id': uid, 'reason': reason}) -%}
  {%- endfor -%}
  {{ return(stale) }}
{% endmacro %}
