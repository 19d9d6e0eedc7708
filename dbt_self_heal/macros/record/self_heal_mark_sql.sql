{#- The statement that marks the records of relations dbt is about to build: `keys` is an SQL list or subquery of
    their relation keys. The old fingerprint and the digest it was last verified under stay behind the mark
    ('unfinished:', 'was:'): what dbt then skips is restored by self_heal_restore_unbuilt (unmarking,
    self_heal_mark_unfinished), and what dbt builds under that same digest by self_heal_record_unchanged. A marked
    record is never verified (its digest is no digest). Those two strip the mark with substr(…, 12) and
    substr(…, 5): a change to its format changes them too. -#}
{% macro self_heal_mark_sql(record_relation, keys) %}
  {{ return("update " ~ record_relation ~ " set fingerprint = 'unfinished:' || fingerprint, verified_digest = 'was:' || "
      ~ "verified_digest where relation in " ~ keys ~ " and fingerprint not like 'unfinished:%'") }}
{% endmacro %}
