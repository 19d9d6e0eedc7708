{#- The slow path of the check (its own macro, so healthy runs on the fast path never compile it): every needed
    node's fingerprint against its record. -#}
{% macro self_heal_check_fingerprints(result, needed, keys, found) %}
  {%- set hashes = dbt_self_heal.self_heal_known_hashes(found.records, found.files) if found.files else {} -%}
  {%- set fingerprints = dbt_self_heal.self_heal_fingerprints(needed, hashes) -%}
  {%- do result.update({'fingerprints': fingerprints, 'hashes': hashes}) -%}
  {%- for uid in needed -%}
    {%- set record = found.records.get(keys[loop.index0]) -%}
    {#- A snapshot holds history that only `dbt snapshot` adds to: used as it is, never rebuilt as stale. -#}
    {%- if record is not none and uid not in result.missing and uid not in result.wrong_kind
          and record.fingerprint != fingerprints[uid].fingerprint and graph.nodes[uid].resource_type != 'snapshot' -%}
      {%- do result.stale.append(uid) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(result) }}
{% endmacro %}
