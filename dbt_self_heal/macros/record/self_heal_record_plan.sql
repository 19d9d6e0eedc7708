{#- Remember what a healthy run needed under this project digest (`check.base`) and selection (`plan_key`): the
    needed nodes, their relation keys, the ones between selected nodes, the deferred ones and the files their
    fingerprints cover, and the keys of what the command builds (its unfinished marks). The next run with the same digest and selection reads it (self_heal_check_recorded) instead
    of walking the graph and compiling the check. Plans of other digests are stale and go in the same statement. -#}
{% macro self_heal_record_plan(plan_key, check, needs) %}
  {%- set relation = dbt_self_heal.self_heal_plan_relation() -%}
  {%- set keys = [] -%}
  {%- for uid in needs.needed -%}{%- do keys.append(check['keys'][uid]) -%}{%- endfor -%}
  {%- set values = [] -%}
  {%- for value in [plan_key, check.base, tojson(needs.needed), tojson(keys), tojson(needs.between),
                    tojson(needs.deferred), tojson(check.paths), tojson(check.marked)] -%}
    {%- do values.append(dbt_self_heal.self_heal_sql_string(value)) -%}
  {%- endfor -%}
  {%- do run_query("create table if not exists " ~ relation ~ " (plan_key varchar, digest varchar, needed varchar, "
      ~ "relation_keys varchar, between_nodes varchar, deferred varchar, paths varchar, built_keys varchar, "
      ~ "recorded_at timestamp);\n"
      ~ "delete from " ~ relation ~ " where plan_key = " ~ values[0] ~ " or digest <> " ~ values[1] ~ ";\n"
      ~ "insert into " ~ relation ~ " (plan_key, digest, needed, relation_keys, between_nodes, deferred, paths, "
      ~ "built_keys, recorded_at) values (" ~ values | join(', ') ~ ", current_timestamp)") -%}
{% endmacro %}
