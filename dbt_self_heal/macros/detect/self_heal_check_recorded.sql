{#- The healthy run's check, without walking the graph: when a run with the same project digest and plan key
    (dbt's version, the command, the selection) found everything healthy, it recorded its plan
    (self_heal_record_plan): the relations it needed with the kind each was found as, the files their fingerprints
    cover, and the full digest their records were verified under. Then ONE statement makes the plan's unfinished
    marks and answers whether every needed relation still exists as that kind with its record verified under that
    digest, and (where the server can read them) reads the stats of the files the plan names
    (self_heal_recorded_check_sql); the run's digest with those stats must be the recorded one.
    Everything is decided in SQL, so a healthy run compiles this macro and a few one-line ones.
    Returns {'needs': ..., 'check': ..., 'plan': 'recorded'} as self_heal_needed_nodes and self_heal_check would
    (self_heal_full_check returns 'plan': 'computed'), or none when there is no such plan or anything differs:
    then the full check runs. The hook calls it only when the record and plan tables exist (it passes them). -#}
{% macro self_heal_check_recorded(selected, plan_key, record_relation, plan_relation) %}
  {%- set base = dbt_self_heal.self_heal_project_digest() -%}
  {%- set plan_row = plan_relation ~ " where plan_key = '" ~ plan_key ~ "' and digest = '" ~ base ~ "'" -%}
  {#- The dispatch, called directly: a template less to compile. -#}
  {%- set rows = run_query(adapter.dispatch('self_heal_recorded_check_sql', 'dbt_self_heal')(plan_row, record_relation)).rows -%}
  {%- if not rows or not rows[0][5] -%}{{ return(none) }}{%- endif -%}
  {%- set needed, between, deferred, paths = fromjson(rows[0][0]), fromjson(rows[0][1]), fromjson(rows[0][2]),
                                             fromjson(rows[0][3]) -%}
  {%- if needed | reject('in', graph.nodes) | list -%}{{ return(none) }}{%- endif -%}
  {%- set files = fromjson(rows[0][6]) if rows[0][6] is not none
        else adapter.dispatch('self_heal_file_stats', 'dbt_self_heal')(paths) if paths else {} -%}
  {%- set digest = dbt_self_heal.self_heal_project_digest(files, base) -%}
  {%- if digest != rows[0][4] -%}{{ return(none) }}{%- endif -%}
  {#- The check's shape, as self_heal_check_found makes it; the records' fingerprints stay in the database (on-run-end
      restores them there, self_heal_record_unchanged). Its constant part is one JSON string (a literal of this size
      costs every healthy run a few milliseconds of Jinja compiling). -#}
  {%- set check = fromjson('{"missing": [], "wrong_kind": [], "unrecorded": [], "foreign_kinds": {}, "stale": [],
      "reasons": {}, "fingerprints": {}, "hashes": {}, "keys": {}, "records": {}, "kinds": {}, "verified": true,
      "record_exists": true}') -%}
  {%- do check.update({'files': files, 'digest': digest, 'base': base, 'paths': paths}) -%}
  {{ return({'needs': {'needed': needed, 'deferred': deferred, 'between': between, 'collisions': []},
             'check': check, 'plan': 'recorded'}) }}
{% endmacro %}
