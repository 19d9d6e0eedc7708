{#- The on-run-start check of a run without a recorded plan (self_heal_check_recorded): walk the graph for the
    relations the run needs (self_heal_needed_nodes), check them (self_heal_check), then refuse, heal or adopt by
    the plan (self_heal_plan). Returns {'sql': hook SQL} when the hook ends here (a refusal or a heal), else
    {'needs', 'check', 'plan': 'computed'} for the healthy end of self_heal, having recorded this run's plan. -#}
{% macro self_heal_full_check(settings, selected, readers, plan_key, check_started) %}
  {%- set needs = dbt_self_heal.self_heal_needed_nodes(selected, {settings.state_table | lower: settings.state_schema | lower,
                                                                  settings.record_table | lower: settings.state_schema | lower,
                                                                  settings.plan_table | lower: settings.state_schema | lower}) -%}
  {%- if needs.collisions -%}
    {{ return({'sql': dbt_self_heal.self_heal_refuse_collisions(needs.collisions, settings, check_started)}) }}
  {%- endif -%}
  {%- set check = dbt_self_heal.self_heal_check(needs.needed, needs.file_readers, selected) -%}
  {%- if check.unrecorded -%}{%- do dbt_self_heal.self_heal_compare_unrecorded(check, settings) -%}{%- endif -%}
  {%- do check.update({'selected': selected}) -%}
  {%- set plan = dbt_self_heal.self_heal_plan(check, settings)
        if check.missing or check.wrong_kind or check.stale or check.unrecorded else none -%}
  {%- if plan and plan.skipped -%}{%- do dbt_self_heal.self_heal_leave_declared(plan.skipped, needs, check) -%}{%- endif -%}
  {%- if plan and plan.lost -%}{{ return({'sql': dbt_self_heal.self_heal_refuse_lost(check, check_started)}) }}{%- endif -%}
  {%- if plan and plan.held -%}{%- do dbt_self_heal.self_heal_hold(check) -%}{%- endif -%}
  {%- if plan and plan.rebuild -%}
    {#- For the on-run-end hook of this invocation. -#}
    {%- do check.update({'between': needs.between}) -%}
    {%- do dbt_self_heal.self_heal_run_state().update({'check': check}) -%}
    {{ return({'sql': dbt_self_heal.self_heal_heal(needs, check, plan, readers, check_started)}) }}
  {%- endif -%}
  {%- if (plan and plan.adopt) or check.record_exists -%}{%- do dbt_self_heal.self_heal_settle(needs, check, plan, plan_key) -%}{%- endif -%}
  {{ return({'needs': needs, 'check': check, 'plan': 'computed'}) }}
{% endmacro %}

{#- A run with nothing to build (self_heal_full_check): adopt what the plan adopts, then remember that every needed
    relation is current under this project digest, and the plan, so the next run like it takes the fast path (a heal
    never compiles this). -#}
{% macro self_heal_settle(needs, check, plan, plan_key) %}
  {#- What follows is written in one transaction, committed here: compiling an unrecorded node to compare its columns
      may have begun one on dbt's connection (a model that calls adapter.get_columns_in_relation), which dbt would
      roll back when the hook ends, taking the records with it. -#}
  {%- do adapter.dispatch('self_heal_begin', 'dbt_self_heal')() -%}
  {%- if plan and plan.adopt -%}{%- do dbt_self_heal.self_heal_adopt(plan.adopt, check) -%}{%- endif -%}
  {%- if not check.verified and check.record_exists and not check.get('kept') -%}
    {#- Everything needed is current under a new project digest: remember it, so the next run takes the fast path. -#}
    {%- set keys = [] -%}
    {%- for uid, key in check['keys'].items() if uid not in check.get('held', []) -%}{%- do keys.append(key) -%}{%- endfor -%}
    {%- do dbt_self_heal.self_heal_record_verified(keys, check.digest) -%}
  {%- endif -%}
  {%- if check.record_exists and not check.get('kept') and not check.get('held') -%}
    {%- do dbt_self_heal.self_heal_record_plan(plan_key, check, needs) -%}
  {%- endif -%}
  {%- do dbt_self_heal.self_heal_commit() -%}
{% endmacro %}

{#- A seed or model that builds the state or record table: the run is refused, saying which var moves the table. -#}
{% macro self_heal_refuse_collisions(collisions, settings, check_started) %}
  {%- set problems = [] -%}
  {%- for uid in collisions -%}
    {%- set node = graph.nodes[uid] -%}
    {%- set state = node.alias | lower == settings.state_table | lower -%}
    {%- set name = "self_heal_state_table" if state else "self_heal_record_table" -%}
    {%- do problems.append(node.resource_type ~ " " ~ node.name ~ " builds " ~ node.schema ~ "." ~ node.alias
        ~ ", the table where self_heal keeps its " ~ ("state" if state else "records")
        ~ ": give self_heal another one with var " ~ name ~ " (e.g. --vars '{" ~ name ~ ": " ~ node.alias
        ~ "_selfheal}') or set it in dbt_project.yml, then rerun.") -%}
  {%- endfor -%}
  {{ return(dbt_self_heal.self_heal_refuse_run(problems, check_started)) }}
{% endmacro %}

{#- Missing nodes the heal does not build that what needs them only declares (self_heal_declared_only): not this
    run's need, as they are not plain dbt's; said once, with how to build them. -#}
{% macro self_heal_leave_declared(skipped, needs, check) %}
  {%- do needs.update({'needed': needs.needed | reject('in', skipped) | list}) -%}
  {%- do check.update({'missing': check.missing | reject('in', skipped) | list}) -%}
  {%- set whys = dbt_self_heal.self_heal_check_buildable(skipped, reasons=true) -%}
  {%- set lines = [] -%}
  {%- for uid in skipped -%}
    {%- set readers = [] -%}
    {%- for reader, parents in check.unsure.items() if uid in parents -%}{%- do readers.append(graph.nodes[reader].name) -%}{%- endfor -%}
    {%- do lines.append(graph.nodes[uid].name ~ " (" ~ whys[uid] ~ "; only declared by " ~ readers | join(', ')
        ~ ", e.g. in a `-- depends on:` comment)") -%}
  {%- endfor -%}
  {%- do dbt_self_heal.self_heal_emit({'event': 'declared_only', 'relations': dbt_self_heal.self_heal_names(skipped)},
      "not built, as plain dbt would not build them for this run: " ~ lines | join('; ') ~ ". self_heal does not "
      ~ "build these; build one with `dbt build --select <name>` when a model reads it.") -%}
{% endmacro %}
