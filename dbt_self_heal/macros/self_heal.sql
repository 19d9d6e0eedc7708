{#- The on-run-start hook: find what the run needs and what is missing (one catalog query); when something is,
    heal it (self_heal_heal) before dbt runs any selected node. -#}
{% macro self_heal(wired_by='consumer') %}
  {%- if not execute -%}{{ return('') }}{%- endif -%}
  {%- set settings = dbt_self_heal.self_heal_settings() -%}
  {%- if flags.WHICH not in settings.commands -%}{{ return('') }}{%- endif -%}
  {#- A consumer that calls the hooks from its own on-run-start switches the package's wiring off. -#}
  {%- if wired_by == 'package' and not settings.package_hooks -%}{{ return('') }}{%- endif -%}
  {%- if not settings.enabled -%}
    {%- do dbt_self_heal.self_heal_emit({'event': 'heal_skipped', 'reason': 'disabled'}, "disabled by var self_heal_enabled") -%}
    {{ return('') }}
  {%- endif -%}

  {%- set check_started = dbt_self_heal.self_heal_now() -%}
  {%- do dbt_self_heal.self_heal_emit(dbt_self_heal.self_heal_step_event('check_tables', 'started', check_started, [])) -%}
  {#- dbt retry runs the previous command (flags.WHICH is e.g. 'build') and leaves selected_resources empty. -#}
  {%- set retrying = not selected_resources
        and 'retry' in (invocation_args_dict.get('invocation_command') or '').split() -%}
  {%- set selected = dbt_self_heal.self_heal_retry_selection() if retrying else selected_resources -%}
  {%- set needs = dbt_self_heal.self_heal_needed_nodes(selected) -%}
  {%- set state_relation = dbt_self_heal.self_heal_state_relation() -%}
  {%- set state_key = (state_relation.database ~ '.' ~ state_relation.schema ~ '.' ~ state_relation.identifier) | lower -%}
  {%- set keys = [state_key] -%}
  {%- for uid in needs.needed -%}
    {%- set node = graph.nodes[uid] -%}
    {%- do keys.append((node.database ~ '.' ~ node.schema ~ '.' ~ node.alias) | lower) -%}
  {%- endfor -%}
  {%- set existing = dbt_self_heal.self_heal_existing_relations(keys) -%}
  {%- set absent = [] -%}
  {%- for uid in needs.needed -%}
    {%- if keys[loop.index] not in existing -%}{%- do absent.append(uid) -%}{%- endif -%}
  {%- endfor -%}

  {#- Selected nodes that read external files are checked too: a run must not start without its inputs. -#}
  {%- set readers = [] -%}
  {%- for uid in selected if uid in graph.nodes -%}
    {%- if ((graph.nodes[uid].config.get('meta') or {}).get('self_heal') or {}).get('inputs') -%}
      {%- do readers.append(uid) -%}
    {%- endif -%}
  {%- endfor -%}

  {%- if absent -%}
    {{ return(dbt_self_heal.self_heal_heal(needs, absent, readers, check_started, state_key in existing)) }}
  {%- endif -%}
  {%- do dbt_self_heal.self_heal_emit(dbt_self_heal.self_heal_step_event('check_tables', 'completed', check_started, [])) -%}
  {%- set problems = dbt_self_heal.self_heal_check_inputs(readers) if readers else [] -%}
  {%- if problems -%}
    {%- do dbt_self_heal.self_heal_emit({'event': 'heal_failed', 'state': 'failed', 'step': 'check_tables',
                           'error': problems | join(' | '), 'remediation': dbt_self_heal.self_heal_remediation('check_tables', ''),
                           'relations': [], 'started_at': check_started, 'completed_at': dbt_self_heal.self_heal_now(),
                           'duration_seconds': dbt_self_heal.self_heal_seconds_since(check_started)},
        "cannot run: " ~ problems | join(' | ')) -%}
    {{ return("select error(" ~ dbt_self_heal.self_heal_sql_string(problems | join(' | ')) ~ ")") }}
  {%- endif -%}
  {%- do dbt_self_heal.self_heal_emit({'event': 'heal_skipped', 'reason': 'healthy', 'needed_count': needs.needed | length,
                         'deferred': dbt_self_heal.self_heal_names(needs.deferred)},
      "all " ~ needs.needed | length ~ " relations this run needs are present ("
      ~ dbt_self_heal.self_heal_seconds_since(check_started) ~ "s)" if needs.needed else none) -%}
  {{ return('') }}
{% endmacro %}
