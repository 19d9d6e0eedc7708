{#- The on-run-start hook: find what the run needs and what is missing (one catalog query); when something is,
    heal it (self_heal_heal) before dbt runs any selected node. Every dbt process compiles each macro it calls, so
    this one holds the common case only (a healthy run whose plan was recorded); the full check, the refusals and
    the heal are compiled when a run needs them (self_heal_full_check). -#}
{% macro self_heal(wired_by='consumer') %}
  {%- if not execute -%}{{ return('') }}{%- endif -%}
  {%- set settings = dbt_self_heal.self_heal_settings() -%}
  {%- if flags.WHICH not in settings.commands -%}{{ return('') }}{%- endif -%}
  {#- A consumer that calls the hooks from its own on-run-start switches the package's wiring off. -#}
  {%- if wired_by == 'package' and not settings.package_hooks -%}{{ return('') }}{%- endif -%}
  {%- if not settings.served -%}{{ return(dbt_self_heal.self_heal_unserved(settings)) }}{%- endif -%}
  {%- if not settings.enabled -%}{{ return(dbt_self_heal.self_heal_skip('disabled', "disabled by var self_heal_enabled")) }}{%- endif -%}
  {#- With --defer dbt reads unselected nodes that this target lacks from the --state environment: building them
      here would make the run read this target's copies instead. -#}
  {%- if invocation_args_dict.get('defer') -%}
    {{ return(dbt_self_heal.self_heal_skip('defer',
        "not healing: --defer reads the relations this run does not build from the --state environment")) }}
  {%- endif -%}

  {%- set check_started = modules.datetime.datetime.now(modules.pytz.utc).isoformat(timespec='milliseconds') -%}{#- self_heal_now, inline -#}
  {%- do dbt_self_heal.self_heal_emit(dbt_self_heal.self_heal_step_event('check_tables', 'started', check_started, [])) -%}
  {#- dbt retry runs the previous command (flags.WHICH is e.g. 'build') and leaves selected_resources empty. -#}
  {%- set retrying = not selected_resources
        and 'retry' in (invocation_args_dict.get('invocation_command') or '').split() -%}
  {%- set selected = dbt_self_heal.self_heal_retry_selection() if retrying else selected_resources -%}
  {%- if flags.EMPTY -%}{%- do dbt_self_heal.self_heal_kept_under_empty(selected) -%}{%- endif -%}
  {#- Selected nodes that read external files are checked too: a run must not start without its inputs. -#}
  {%- set readers = [] -%}
  {%- for uid in selected if uid in graph.nodes -%}
    {%- if ((graph.nodes[uid].config.get('meta') or {}).get('self_heal') or {}).get('inputs') -%}
      {%- do readers.append(uid) -%}
    {%- endif -%}
  {%- endfor -%}
  {#- Concurrent runs on a shared server take turns from here (Postgres); the check then sees what the other built. -#}
  {%- do adapter.dispatch('self_heal_lock', 'dbt_self_heal')(settings) -%}{#- self_heal_lock's dispatch, called directly -#}
  {#- A healthy run like the last one (same project digest, dbt version, command and selection) reads what that run
      needed; any other run walks the graph. -#}
  {%- set plan_key = local_md5(dbt_version ~ '|' ~ flags.WHICH ~ '|' ~ selected | sort | join(',')) -%}
  {#- Only a workspace with records can have a recorded plan (a new one compiles none of the fast path). -#}
  {%- set record_relation = adapter.get_relation(target.database, settings.state_schema, settings.record_table) -%}
  {%- set plan_relation = adapter.get_relation(target.database, settings.state_schema, settings.plan_table)
        if record_relation is not none else none -%}
  {%- set found = (dbt_self_heal.self_heal_check_recorded(selected, plan_key, record_relation, plan_relation)
                   if plan_relation is not none else none)
        or dbt_self_heal.self_heal_full_check(settings, selected, readers, plan_key, check_started) -%}
  {%- if 'sql' in found -%}{{ return(found.sql) }}{%- endif -%}
  {%- set needs, check = found.needs, found.check -%}
  {#- For the on-run-end hook of this invocation. -#}
  {%- do check.update({'selected': selected, 'between': needs.between}) -%}
  {%- do dbt_self_heal.self_heal_run_state().update({'check': check}) -%}
  {%- do dbt_self_heal.self_heal_emit(dbt_self_heal.self_heal_step_event('check_tables', 'completed', check_started, [])) -%}
  {%- set problems = dbt_self_heal.self_heal_check_inputs(readers) if readers else [] -%}
  {%- if problems -%}{{ return(dbt_self_heal.self_heal_refuse_run(problems, check_started)) }}{%- endif -%}
  {#- A hook that never made the engine (DuckDB's healthy run) has no transaction of its own to end. -#}
  {%- if context.get('self_heal__engine_state') -%}{%- do dbt_self_heal.self_heal_release() -%}{%- endif -%}
  {%- do dbt_self_heal.self_heal_emit({'event': 'heal_skipped', 'reason': 'healthy', 'needed_count': needs.needed | length,
                         'plan': found.plan,
                         'deferred': dbt_self_heal.self_heal_names(needs.deferred) if needs.deferred else []},
      "all " ~ needs.needed | length ~ " relations this run needs are present ("
      ~ ((modules.datetime.datetime.now(modules.pytz.utc) - modules.datetime.datetime.fromisoformat(check_started))
         .total_seconds()) | round(3) ~ "s)" if needs.needed else none) -%}
  {{ return('') }}
{% endmacro %}
