{#- The healthy run's check, without walking the graph: when a run with the same project digest and selection
    (`plan_key`) ended healthy, its plan was recorded (self_heal_record_plan). Then one query reads it (and marks
    the records of what dbt is about to build unfinished) and one self_heal_inspect confirms every needed relation
    still exists, of its kind, and was last found fresh under this digest (the files' stats included).
    Returns {'needs': ..., 'check': ...} as self_heal_needed_nodes and self_heal_check would, or none when there is no
    such plan or anything differs: then the full check runs. -#}
{% macro self_heal_check_recorded(selected, plan_key, settings) %}
  {%- set record_relation = adapter.get_relation(target.database, settings.state_schema, settings.record_table) -%}
  {%- set plan_relation = adapter.get_relation(target.database, settings.state_schema, settings.plan_table)
        if record_relation is not none else none -%}
  {%- if plan_relation is none -%}{{ return(none) }}{%- endif -%}
  {%- set base = dbt_self_heal.self_heal_project_digest() -%}
  {%- set mark = dbt_self_heal.self_heal_unfinished_sql(selected, true, relation=record_relation) -%}
  {%- set rows = run_query((mark ~ ";\n" if mark else "")
        ~ "select needed, relation_keys, between_nodes, deferred, paths from " ~ plan_relation
        ~ " where plan_key = '" ~ plan_key ~ "' and digest = '" ~ base ~ "'").rows -%}
  {%- if rows | length != 1 -%}{{ return(none) }}{%- endif -%}
  {%- set plan = [] -%}
  {%- for value in rows[0] -%}{%- do plan.append(fromjson(value)) -%}{%- endfor -%}
  {%- set needed, keys, between, deferred, paths = plan -%}
  {%- if needed | reject('in', graph.nodes) | list -%}{{ return(none) }}{%- endif -%}
  {%- set found = dbt_self_heal.self_heal_inspect(keys, record_relation, paths) -%}
  {%- set check = dbt_self_heal.self_heal_check_found(needed, keys, found,
                                                     dbt_self_heal.self_heal_project_digest(found.files, base)) -%}
  {%- if not check.verified -%}{{ return(none) }}{%- endif -%}
  {%- do check.update({'record_exists': true, 'base': base, 'paths': paths,
                       'state_exists': adapter.get_relation(target.database, settings.state_schema,
                                                            settings.state_table) is not none}) -%}
  {{ return({'needs': {'needed': needed, 'deferred': deferred, 'between': between, 'collisions': []}, 'check': check}) }}
{% endmacro %}
