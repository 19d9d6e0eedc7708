{#- Fingerprints to record for adopted relations: a relation of another kind than its node's materialization
    leaves (a clone's view) keeps that kind in its recorded parts, so the kind check accepts it from then on. -#}
{% macro self_heal_adopted_fingerprints(adopt, check) %}
  {%- set fingerprints = dict(check.fingerprints) -%}
  {%- for uid in adopt if uid in check.foreign_kinds -%}
    {%- set parts = dict(check.fingerprints[uid].parts) -%}
    {%- do parts.update({'adopted_kind': check.foreign_kinds[uid]}) -%}
    {%- do fingerprints.update({uid: {'fingerprint': check.fingerprints[uid].fingerprint, 'parts': parts}}) -%}
  {%- endfor -%}
  {{ return(fingerprints) }}
{% endmacro %}
