{#- The on-run-start hook: find what the run needs and what is missing (one catalog query); when something is,
    heal it (self_heal_heal) before dbt runs any selected node. -#}
{% macro self_heal(wired_by='consumer') %}
  {%- if not execute -%}{{ return('') }}{%- endif -%}
  {%- set settings = dbt_self_heal.self_heal_settings() -%}
  {%- if flags.WHICH not in settings.commands -%}{{ return('') }}{%- endif -%}
  {#- A consumer that calls the hooks from its own on-run-start switches the package's wiring off. -#}
  {%- if wired_by == 'package' and not settings.package_hooks -%}{{ return('') }}{%- endif -%}
  {%- if not settings.served -%}
    {{ return(dbt_self_heal.self_heal_unserved(settings)) }}
  {%- endif -%}
  {%- if not settings.enabled -%}
    {%- do dbt_self_heal.self_heal_emit({'event': 'heal_skipped', 'reason': 'disabled'}, "disabled by var self_heal_enabled") -%}
    {#- What dbt builds now may come from other inputs than its record says: the record goes. -#}
    {{ return(dbt_self_heal.self_heal_unfinished_sql(selected_resources, dbt_self_heal.self_heal_record_table_ours(), forget=true)) }}
  {%- endif -%}
  {#- With --defer dbt reads unselected nodes that this target lacks from the --state environment: building them
      here would make the run read this target's copies instead. -#}
  {%- if invocation_args_dict.get('defer') -%}
    {%- do dbt_self_heal.self_heal_emit({'event': 'heal_skipped', 'reason': 'defer'},
        "not healing: --defer reads the relations this run does not build from the --state environment") -%}
    {{ return(dbt_self_heal.self_heal_unfinished_sql(selected_resources, dbt_self_heal.self_heal_record_table_ours(), forget=true)) }}
  {%- endif -%}

  {%- set check_started = dbt_self_heal.self_heal_now() -%}
  {%- do dbt_self_heal.self_heal_emit(dbt_self_heal.self_heal_step_event('check_tables', 'started', check_started, [])) -%}
  {#- dbt retry runs the previous command (flags.WHICH is e.g. 'build') and leaves selected_resources empty. -#}
  {%- set retrying = not selected_resources
        and 'retry' in (invocation_args_dict.get('invocation_command') or '').split() -%}
  {%- set selected = dbt_self_heal.self_heal_retry_selection() if retrying else selected_resources -%}
  {#- Concurrent runs on a shared server take turns from here (Postgres); the check then sees what the other built. -#}
  {%- do dbt_self_heal.self_heal_lock(settings) -%}
  {#- A healthy run like the last one (same project digest, dbt version, command and selection) reads what that run
      needed. -#}
  {%- set plan_key = local_md5(dbt_version ~ '|' ~ flags.WHICH ~ '|' ~ selected | sort | join(',')) -%}
  {%- set recorded = dbt_self_heal.self_heal_check_recorded(selected, plan_key, settings) -%}
  {%- if recorded -%}
    {%- set needs, check = recorded.needs, recorded.check -%}
  {%- else -%}
    {%- set needs = dbt_self_heal.self_heal_needed_nodes(selected, {settings.state_table | lower: settings.state_schema | lower,
                                                                    settings.record_table | lower: settings.state_schema | lower,
                                                                    settings.plan_table | lower: settings.state_schema | lower}) -%}
    {%- if needs.collisions -%}
      {%- set problems = [] -%}
      {%- for uid in needs.collisions -%}
        {%- set node = graph.nodes[uid] -%}
        {%- do problems.append(node.resource_type ~ " " ~ node.name ~ " builds " ~ node.schema ~ "." ~ node.alias
            ~ ", the table where self_heal keeps its " ~ ("state" if node.alias | lower == settings.state_table | lower else "records")
            ~ ": give self_heal another one with var " ~ ("self_heal_state_table" if node.alias | lower == settings.state_table | lower
            else "self_heal_record_table") ~ " (e.g. --vars '{" ~ ("self_heal_state_table" if node.alias | lower == settings.state_table | lower
            else "self_heal_record_table") ~ ": " ~ node.alias ~ "_selfheal}') or set it in dbt_project.yml, then rerun.") -%}
      {%- endfor -%}
      {{ return(dbt_self_heal.self_heal_refuse_run(problems, check_started)) }}
    {%- endif -%}
    {%- set check = dbt_self_heal.self_heal_check(needs.needed, needs.file_readers, selected) -%}
  {%- endif -%}
  {%- if check.unrecorded -%}{%- do dbt_self_heal.self_heal_compare_unrecorded(check, settings) -%}{%- endif -%}
  {%- set plan = dbt_self_heal.self_heal_plan(check, settings)
        if check.missing or check.wrong_kind or check.stale or check.unrecorded else none -%}
  {%- if plan and plan.lost -%}{{ return(dbt_self_heal.self_heal_refuse_lost(check, check_started)) }}{%- endif -%}
  {%- if plan and plan.held -%}{%- do dbt_self_heal.self_heal_hold(check) -%}{%- endif -%}
  {#- For the on-run-end hook of this invocation. -#}
  {%- do check.update({'selected': selected, 'between': needs.between}) -%}
  {%- do dbt_self_heal.self_heal_run_state().update({'check': check}) -%}

  {#- Selected nodes that read external files are checked too: a run must not start without its inputs. -#}
  {%- set readers = [] -%}
  {%- for uid in selected if uid in graph.nodes -%}
    {%- if ((graph.nodes[uid].config.get('meta') or {}).get('self_heal') or {}).get('inputs') -%}
      {%- do readers.append(uid) -%}
    {%- endif -%}
  {%- endfor -%}

  {%- if plan and plan.rebuild -%}
    {{ return(dbt_self_heal.self_heal_heal(needs, check, plan, readers, check_started)) }}
  {%- endif -%}
  {%- if plan and plan.adopt -%}{%- do dbt_self_heal.self_heal_adopt(plan.adopt, check) -%}{%- endif -%}
  {%- if not check.verified and check.record_exists and not check.get('kept') -%}
    {#- Everything needed is current under a new project digest: remember it, so the next run takes the fast path. -#}
    {%- set keys = [] -%}
    {%- for uid, key in check['keys'].items() if uid not in check.get('held', []) -%}{%- do keys.append(key) -%}{%- endfor -%}
    {%- do dbt_self_heal.self_heal_record_verified(keys, check.digest) -%}
  {%- endif -%}
  {%- if not recorded and check.record_exists and not check.get('kept') and not check.get('held') -%}
    {%- do dbt_self_heal.self_heal_record_plan(plan_key, check, needs) -%}
  {%- endif -%}
  {%- do dbt_self_heal.self_heal_emit(dbt_self_heal.self_heal_step_event('check_tables', 'completed', check_started, [])) -%}
  {%- set problems = dbt_self_heal.self_heal_check_inputs(readers) if readers else [] -%}
  {%- if problems -%}{{ return(dbt_self_heal.self_heal_refuse_run(problems, check_started)) }}{%- endif -%}
  {%- do dbt_self_heal.self_heal_release() -%}
  {%- do dbt_self_heal.self_heal_emit({'event': 'heal_skipped', 'reason': 'healthy', 'needed_count': needs.needed | length,
                         'plan': 'recorded' if recorded else 'computed',
                         'deferred': dbt_self_heal.self_heal_names(needs.deferred)},
      "all " ~ needs.needed | length ~ " relations this run needs are present ("
      ~ dbt_self_heal.self_heal_seconds_since(check_started) ~ "s)" if needs.needed else none) -%}
  {{ return('') }}
{% endmacro %}
