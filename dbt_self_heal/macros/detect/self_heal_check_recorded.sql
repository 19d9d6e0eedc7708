{#- The healthy run's check, without walking the graph: when a run with the same project digest and plan key
    (dbt's version, the command, the selection) found everything healthy, it recorded its plan
    (self_heal_record_plan). Then one self_heal_inspect reads that plan, makes its unfinished marks and answers
    for the relations it names; a second one reads the stats of the files it names, when it names any. Every needed
    relation must still exist, be of its kind and have been last found fresh under this run's digest.
    Returns {'needs': ..., 'check': ..., 'plan': 'recorded'} as self_heal_needed_nodes and self_heal_check would
    (self_heal_full_check returns 'plan': 'computed'), or none when there is
    no such plan or anything differs: then the full check runs. -#}
{% macro self_heal_check_recorded(selected, plan_key, settings) %}
  {%- set record_relation = adapter.get_relation(target.database, settings.state_schema, settings.record_table) -%}
  {%- set plan_relation = adapter.get_relation(target.database, settings.state_schema, settings.plan_table)
        if record_relation is not none else none -%}
  {%- if plan_relation is none -%}{{ return(none) }}{%- endif -%}
  {%- set base = dbt_self_heal.self_heal_project_digest() -%}
  {#- self_heal_inspect's dispatch, called directly: one template less to compile on every healthy run. -#}
  {%- set found = adapter.dispatch('self_heal_inspect', 'dbt_self_heal')(
        [], record_relation, [], '', {'relation': plan_relation, 'key': plan_key, 'digest': base}) -%}
  {%- if found.plan is none -%}{{ return(none) }}{%- endif -%}
  {%- set plan = [] -%}
  {%- for value in found.plan -%}{%- do plan.append(fromjson(value)) -%}{%- endfor -%}
  {%- set needed, keys, between, deferred, paths = plan -%}
  {%- if needed | reject('in', graph.nodes) | list -%}{{ return(none) }}{%- endif -%}
  {%- if paths -%}
    {%- do found.files.update(adapter.dispatch('self_heal_inspect', 'dbt_self_heal')([], none, paths, '', none).files) -%}
  {%- endif -%}
  {%- set check = dbt_self_heal.self_heal_check_found(needed, keys, found,
                                                     dbt_self_heal.self_heal_project_digest(found.files, base)) -%}
  {%- if not check.verified -%}{{ return(none) }}{%- endif -%}
  {%- do check.update({'record_exists': true, 'base': base, 'paths': paths,
                       'state_exists': adapter.get_relation(target.database, settings.state_schema,
                                                            settings.state_table) is not none}) -%}
  {{ return({'needs': {'needed': needed, 'deferred': deferred, 'between': between, 'collisions': []}, 'check': check,
             'plan': 'recorded'}) }}
{% endmacro %}
