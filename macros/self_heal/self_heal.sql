{#- on-run-start hook 1 of 4: find what the run needs and what is missing (one catalog query), record the attempt,
    check inputs, and open the healing transaction with the seed loads. -#}
{% macro self_heal() %}
  {%- if not execute -%}{{ return('') }}{%- endif -%}
  {%- set settings = self_heal_settings() -%}
  {%- if flags.WHICH not in settings.commands -%}{{ return('') }}{%- endif -%}
  {%- if not settings.enabled -%}
    {%- do self_heal_emit({'event': 'heal_skipped', 'reason': 'disabled'}, "disabled by var self_heal_enabled") -%}
    {{ return('') }}
  {%- endif -%}

  {%- set check_started = self_heal_now() -%}
  {%- do self_heal_emit(self_heal_step_event('check_tables', 'started', check_started, [])) -%}
  {%- set needs = self_heal_needed_nodes(selected_resources) -%}
  {%- set state_relation = self_heal_state_relation() -%}
  {%- set state_key = self_heal_relation_key(state_relation.database, state_relation.schema, state_relation.identifier) -%}
  {%- set keys = [state_key] -%}
  {%- for uid in needs.needed -%}
    {%- set rel = self_heal_relation(graph.nodes[uid]) -%}
    {%- do keys.append(self_heal_relation_key(rel.database, rel.schema, rel.identifier)) -%}
  {%- endfor -%}
  {%- set existing = self_heal_existing_relations(keys) -%}
  {%- set plan = self_heal_plan(needs.needed, existing) -%}
  {%- set missing = plan.seeds + plan.models -%}
  {%- set missing_names = self_heal_names(missing) -%}
  {%- do self_heal_emit(self_heal_step_event('check_tables', 'completed', check_started, missing_names)) -%}

  {#- Selected nodes that read external files are checked too: a run must not start without its inputs. -#}
  {%- set selected_readers = [] -%}
  {%- for uid in selected_resources if uid in graph.nodes -%}
    {%- if ((graph.nodes[uid].config.get('meta') or {}).get('self_heal') or {}).get('inputs') -%}
      {%- do selected_readers.append(uid) -%}
    {%- endif -%}
  {%- endfor -%}

  {%- if missing | length == 0 -%}
    {%- set problems = self_heal_check_inputs(selected_readers) if selected_readers else [] -%}
    {%- if problems -%}
      {%- do self_heal_emit({'event': 'heal_failed', 'state': 'failed', 'step': 'check_tables',
                             'error': problems | join(' | '), 'remediation': self_heal_remediation('check_tables', ''),
                             'relations': [], 'started_at': check_started, 'completed_at': self_heal_now(),
                             'duration_seconds': self_heal_seconds_since(check_started)},
          "cannot run: " ~ problems | join(' | ')) -%}
      {{ return("select error(" ~ self_heal_sql_string(problems | join(' | ')) ~ ")") }}
    {%- endif -%}
    {%- do self_heal_emit({'event': 'heal_skipped', 'reason': 'healthy', 'needed_count': needs.needed | length,
                           'deferred': self_heal_names(needs.deferred)},
        "all " ~ needs.needed | length ~ " relations this run needs are present ("
        ~ self_heal_seconds_since(check_started) ~ "s)" if needs.needed else none) -%}
    {{ return('') }}
  {%- endif -%}

  {#- Only a heal can follow an interruption (its transaction was rolled back), so healthy runs skip this query. -#}
  {%- if state_key in existing -%}{%- do self_heal_close_interrupted() -%}{%- endif -%}
  {%- do self_heal_emit({'event': 'heal_start', 'missing': missing_names, 'needed_count': needs.needed | length,
                         'seeds': self_heal_names(plan.seeds),
                         'models': self_heal_names(plan.models),
                         'deferred': self_heal_names(needs.deferred)},
      "initializing the workspace: " ~ missing | length ~ " of " ~ needs.needed | length ~ " needed relations are missing ("
      ~ missing_names | join(', ') ~ ")") -%}
  {%- do self_heal_record_attempt(plan, check_started, missing_names, state_key in existing) -%}
  {%- set run = self_heal_start_run(plan, check_started, missing_names) -%}
  {%- do run.steps.append(self_heal_step_event('check_tables', 'completed', check_started, missing_names)) -%}

  {%- set problems = self_heal_check_buildable(missing) + self_heal_check_inputs(missing + selected_readers) -%}
  {%- set statements = self_heal_schema_sql(missing) -%}
  {%- for uid in plan.seeds if not problems -%}
    {%- set seed = self_heal_seed_sql(graph.nodes[uid]) -%}
    {%- if seed.error -%}{%- do problems.append(seed.error) -%}{%- endif -%}
    {%- do statements.extend(seed.sql) -%}
  {%- endfor -%}
  {%- if problems -%}
    {%- do run.update({'error': problems | join(' | ')}) -%}
    {{ return("select error(" ~ self_heal_sql_string(problems | join(' | ')) ~ ")") }}
  {%- endif -%}

  {%- do self_heal_advance(run, 'load_seeds', self_heal_names(plan.seeds),
                           "Loading seed data (" ~ plan.seeds | length ~ ")..." if plan.seeds else none) -%}
  {{ return("begin transaction;\n" ~ statements | join(';\n') ~ ';') }}
{% endmacro %}
