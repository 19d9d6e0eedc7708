{#- The shape of a check (see self_heal_check) for the needed relations (`keys`: their relation keys, in the same
    order) from what self_heal_inspect found, and whether the run may skip fingerprinting: every relation exists, is
    of the kind its node builds (or was adopted as), and its record was last found fresh under this `digest`. Then
    the recorded fingerprints are current and `verified` is true; else the caller classifies what is wrong. -#}
{% macro self_heal_check_found(needed, keys, found, digest) %}
  {%- set result = {'missing': [], 'wrong_kind': [], 'unrecorded': [], 'foreign_kinds': {}, 'stale': [], 'reasons': {},
                    'fingerprints': {}, 'files': found.files, 'hashes': {}, 'keys': {}, 'digest': digest,
                    'records': found.records, 'kinds': found.relations, 'verified': false} -%}
  {%- for uid in needed -%}{%- do result['keys'].update({uid: keys[loop.index0]}) -%}{%- endfor -%}
  {#- The kind each built-in materialization leaves; any other (dbt-duckdb's external is a view over files, custom
      materializations) may leave either, so its kind is not checked. -#}
  {%- set kinds = {'view': 'view', 'table': 'table', 'incremental': 'table', 'seed': 'table', 'snapshot': 'table',
                  'materialized_view': 'materialized_view'} -%}
  {%- set fingerprints = {} -%}
  {%- for uid in needed -%}
    {%- set record = found.records.get(keys[loop.index0]) -%}
    {%- set kind = found.relations.get(keys[loop.index0]) -%}
    {%- if record is none or kind is none or record.verified != digest
          or (kinds.get(graph.nodes[uid].config.materialized, kind) != kind
              and ('"adopted_kind": "' ~ kind ~ '"') not in (record.parts or '')) -%}
      {{ return(result) }}
    {%- endif -%}
    {%- do fingerprints.update({uid: {'fingerprint': record.fingerprint}}) -%}
  {%- endfor -%}
  {%- do result.update({'verified': true, 'fingerprints': fingerprints}) -%}
  {{ return(result) }}
{% endmacro %}
