{#- The heal branch of hook 1 (a separate macro so that healthy runs never compile it): order the missing nodes,
    record the attempt, check inputs and seed files, and return `begin transaction` plus the seed loads. -#}
{% macro self_heal_begin(needs, absent, readers, check_started, state_table_exists) %}
  {%- set plan = self_heal_plan(absent) -%}
  {%- set missing = plan.seeds + plan.models -%}
  {%- set missing_names = self_heal_names(missing) -%}
  {%- do self_heal_emit(self_heal_step_event('check_tables', 'completed', check_started, missing_names)) -%}
  {#- Only a heal can follow an interruption (its transaction was rolled back), so healthy runs skip this query. -#}
  {%- if state_table_exists -%}{%- do self_heal_close_interrupted() -%}{%- endif -%}
  {%- do self_heal_emit({'event': 'heal_start', 'missing': missing_names, 'needed_count': needs.needed | length,
                         'seeds': self_heal_names(plan.seeds),
                         'models': self_heal_names(plan.models),
                         'deferred': self_heal_names(needs.deferred)},
      "initializing the workspace: " ~ missing | length ~ " of " ~ needs.needed | length ~ " needed relations are missing ("
      ~ missing_names | join(', ') ~ ")") -%}
  {%- do self_heal_record_attempt(plan, check_started, missing_names, state_table_exists) -%}
  {%- set run = self_heal_start_run(plan, check_started, missing_names) -%}
  {%- do run.steps.append(self_heal_step_event('check_tables', 'completed', check_started, missing_names)) -%}

  {%- set problems = self_heal_check_buildable(missing) + self_heal_check_inputs(missing + readers) -%}
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
