{#- The rarer branches of the hook, in their own macros so that a healthy run never compiles them. -#}
{% macro self_heal_adopt(adopt, check) %}
  {%- do dbt_self_heal.self_heal_record_fingerprints(adopt, dbt_self_heal.self_heal_adopted_fingerprints(adopt, check),
                                                     check.files, check.hashes, 'adopted', check.record_exists, check.digest) -%}
  {%- do dbt_self_heal.self_heal_adopted_line(adopt) -%}
{% endmacro %}
