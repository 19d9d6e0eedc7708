{#- Remember what a healthy run needed under this project digest (`check.base`) and selection (`plan_key`): the
    needed nodes, their relation keys and the kind each was found as ('<key>|<kind>'), the ones between selected
    nodes, the deferred ones, the files their fingerprints cover, the keys of what the command builds (its
    unfinished marks) and the full digest (with the files' stats) their records are verified under. The next run
    with the same digest and selection checks it in SQL (self_heal_check_recorded) instead of walking the graph and
    compiling the check. Plans of other digests are stale and go in the same statement. -#}
{% macro self_heal_record_plan(plan_key, check, needs) %}
  {%- set relation = dbt_self_heal.self_heal_plan_relation() -%}
  {%- set keys = [] -%}
  {%- set kinds = [] -%}
  {%- for uid in needs.needed -%}
    {%- do keys.append(check['keys'][uid]) -%}
    {%- do kinds.append(check['keys'][uid] ~ '|' ~ check.kinds.get(check['keys'][uid], '')) -%}
  {%- endfor -%}
  {%- set values = [] -%}
  {%- for value in [plan_key, check.base, tojson(needs.needed), tojson(keys), tojson(kinds), tojson(needs.between),
                    tojson(needs.deferred), tojson(check.paths), tojson(check.marked), check.digest] -%}
    {%- do values.append(dbt_self_heal.self_heal_sql_string(value)) -%}
  {%- endfor -%}
  {%- do run_query("create table if not exists " ~ relation ~ " (plan_key varchar, digest varchar, needed varchar, "
      ~ "relation_keys varchar, relation_kinds varchar, between_nodes varchar, deferred varchar, paths varchar, "
      ~ "built_keys varchar, verified_digest varchar, recorded_at timestamp);\n"
      ~ "delete from " ~ relation ~ " where plan_key = " ~ values[0] ~ " or digest <> " ~ values[1] ~ ";\n"
      ~ "insert into " ~ relation ~ " (plan_key, digest, needed, relation_keys, relation_kinds, between_nodes, deferred, "
      ~ "paths, built_keys, verified_digest, recorded_at) values (" ~ values | join(', ') ~ ", current_timestamp)") -%}
{% endmacro %}
