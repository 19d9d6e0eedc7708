{#- The heal branch of the on-run-start hook (its own macro, so healthy runs never compile it). Order the missing
    nodes, record the attempt, check everything that can be checked before building (inputs, sources, seed files,
    buildability), then build node by node in DAG order inside ONE transaction opened and committed through dbt's
    connection, so macros that run statements while a node compiles join it. Each node is compiled only after
    everything it depends on exists, and materialized before the next is compiled. -#}
{% macro self_heal_heal(needs, check, plan, readers, check_started) %}
  {#- Tables outside the plan whose foreign keys reference a table it replaces: rebuilt with it, or refused. A heal
      that only creates what is missing replaces nothing (and compiles none of these checks: so below). -#}
  {%- set foreign_keys = dbt_self_heal.self_heal_plan_foreign_keys(plan, check)
        if plan.rebuild | reject('in', check.missing) | first is defined else {'problems': []} -%}
  {%- set missing = plan.rebuild -%}
  {%- set missing_names = dbt_self_heal.self_heal_names(missing) -%}
  {%- set absent_names = dbt_self_heal.self_heal_names(check.missing) -%}
  {%- set stale = plan.stale -%}
  {%- do dbt_self_heal.self_heal_emit(dbt_self_heal.self_heal_step_event('check_tables', 'completed', check_started, missing_names)) -%}
  {#- Only a heal can follow an interruption (its transaction was rolled back), so healthy runs skip this query. -#}
  {%- if check.state_exists -%}{%- do dbt_self_heal.self_heal_close_interrupted() -%}{%- endif -%}
  {%- set described = [] -%}
  {%- if absent_names -%}
    {%- do described.append(absent_names | length ~ " missing (" ~ absent_names | join(', ') ~ ")") -%}
  {%- endif -%}
  {%- for item in stale -%}{%- do described.append(item.relation ~ " is stale: " ~ item.reason) -%}{%- endfor -%}
  {#- dbt ends the run at a statement that fails inside the hook, so what to do then is said up front. -#}
  {%- set on_failure = "if dbt stops with an error while these are built, nothing of them is kept: fix what the "
      ~ "error names (the model is the one on the last '[n/m] building' line; if it says 'No space left on device' "
      ~ "or 'File too large', free disk space), then rerun the same command." -%}
  {%- do dbt_self_heal.self_heal_emit({'event': 'heal_start', 'missing': absent_names, 'stale': stale,
                         'remediation': on_failure,
                         'relations': missing_names, 'needed_count': needs.needed | length,
                         'seeds': dbt_self_heal.self_heal_names(plan.seeds),
                         'models': dbt_self_heal.self_heal_names(plan.models),
                         'deferred': dbt_self_heal.self_heal_names(needs.deferred)},
      ("initializing the workspace: " if not stale else "bringing the workspace up to date: ") ~ missing | length
      ~ " of " ~ needs.needed | length ~ " needed relations to build: " ~ described | join('; ') ~ ". If it fails: "
      ~ on_failure) -%}
  {#- What the state row keeps of the plan: what is built, in order, and why. -#}
  {%- set recorded = {'seeds': plan.seeds, 'models': plan.models, 'stale': stale} -%}
  {%- do dbt_self_heal.self_heal_record_attempt(recorded, check_started, missing_names, check.state_exists) -%}
  {%- set run = dbt_self_heal.self_heal_start_run(recorded, check_started, missing_names) -%}
  {%- do run.steps.append(dbt_self_heal.self_heal_step_event('check_tables', 'completed', check_started, missing_names)) -%}

  {%- set unsure_sources = check.get('unsure') or {} -%}{#- sources, and missing nodes only declared (self_heal_declared_only) -#}
  {%- set problems = foreign_keys.problems + dbt_self_heal.self_heal_check_buildable(missing) + dbt_self_heal.self_heal_check_inputs(missing + readers)
                     + (dbt_self_heal.self_heal_check_sources(missing, unsure_sources) if graph.sources else [])
                     + (dbt_self_heal.self_heal_check_between(missing, needs) if needs.between else []) -%}
  {%- set seed_nodes = [] -%}
  {%- for uid in plan.seeds if not problems -%}{%- do seed_nodes.append(graph.nodes[uid]) -%}{%- endfor -%}
  {%- set seed_sql = adapter.dispatch('self_heal_seeds_sql', 'dbt_self_heal')(seed_nodes) if seed_nodes else {} -%}
  {%- for seed in seed_sql.values() if seed.error -%}{%- do problems.append(seed.error) -%}{%- endfor -%}
  {%- if problems -%}
    {#- Nothing was built: the hook fails as a statement, dbt skips the selected nodes and on-run-end records it. -#}
    {%- do run.update({'error': problems | join(' | ')}) -%}
    {{ return(dbt_self_heal.self_heal_stop_run(problems | join(' | '))) }}
  {%- endif -%}

  {%- do dbt_self_heal.self_heal_engine().update({'building': (selected_resources | list) + missing,
                                                   'from_scratch': check.get('from_scratch') or []}) -%}
  {#- Opening the transaction with a statement that auto-begins makes it dbt's: later statements join it. -#}
  {%- do adapter.dispatch('self_heal_begin', 'dbt_self_heal')() -%}
  {%- for ddl in dbt_self_heal.self_heal_schema_sql(missing) -%}{%- do run_query(ddl) -%}{%- endfor -%}
  {%- set dependants = adapter.dispatch('self_heal_dependants', 'dbt_self_heal')(missing, check) -%}
  {%- if check.get('blocked') -%}
    {%- set missing = dbt_self_heal.self_heal_hold_blocked(plan, check, missing) -%}
    {%- do run.update({'missing': dbt_self_heal.self_heal_names(missing)}) -%}
    {%- do run.plan.update({'seeds': plan.seeds, 'models': plan.models}) -%}
  {%- endif -%}
  {%- set total = missing | length -%}
  {%- set manifest = dbt_self_heal.self_heal_engine().manifest -%}
  {%- do dbt_self_heal.self_heal_advance(run, 'load_seeds', dbt_self_heal.self_heal_names(plan.seeds),
                           "Loading seed data (" ~ plan.seeds | length ~ ")..." if plan.seeds else none) -%}
  {%- for uid in plan.seeds -%}
    {%- set started = dbt_self_heal.self_heal_node_started(uid, loop.index, total) -%}
    {%- do adapter.dispatch('self_heal_build_seed', 'dbt_self_heal')(manifest.nodes[uid], seed_sql[uid], none if uid in check.missing
          else dbt_self_heal.self_heal_existing_relation(graph.nodes[uid], check)) -%}
    {%- do dbt_self_heal.self_heal_node_completed(uid, started) -%}
  {%- endfor -%}
  {%- do dbt_self_heal.self_heal_advance(run, 'build_foundation', dbt_self_heal.self_heal_names(plan.models),
                           "Building foundation models (" ~ plan.models | length ~ ")..." if plan.models else none) -%}
  {%- set kept = [] -%}
  {%- set held_late = [] -%}
  {%- set compare_later = (check.get('compared') or {}).get('later') or [] -%}
  {%- set scoped = adapter.dispatch('self_heal_transaction_scoped', 'dbt_self_heal')(plan.models) -%}
  {%- for uid in plan.models -%}
    {%- set started = dbt_self_heal.self_heal_node_started(uid, plan.seeds | length + loop.index, total) -%}
    {%- set node = manifest.nodes[uid] -%}
    {%- set compiled = dbt_self_heal.self_heal_compile(node).sql -%}
    {%- set saved = dbt_self_heal.self_heal_scope_save(scoped[uid]) if uid in scoped else none -%}
    {%- if uid in compare_later or uid in unsure_sources -%}
      {%- do kept.extend(dbt_self_heal.self_heal_build_or_keep(node, compiled, check, uid in compare_later, unsure_sources.get(uid))) -%}
    {%- elif uid in (check.get('incremental') or []) -%}
      {%- do held_late.extend(dbt_self_heal.self_heal_run_or_hold_incremental(node, compiled, check)) -%}
    {%- else -%}
      {%- do dbt_self_heal.self_heal_materialize(node, compiled) -%}
    {%- endif -%}
    {%- if uid in scoped -%}{%- do dbt_self_heal.self_heal_scope_restore(scoped[uid], saved) -%}{%- endif -%}
    {%- do dbt_self_heal.self_heal_node_completed(uid, started) -%}
  {%- endfor -%}
  {#- Kept as they are after all (adopted, or held with a warning): out of what this heal built. -#}
  {%- if kept or held_late -%}
    {%- do plan.adopt.extend(kept) -%}
    {%- set taken = kept + held_late -%}
    {%- do plan.update({'models': plan.models | reject('in', taken) | list}) -%}
    {%- set missing = missing | reject('in', taken) | list -%}
    {%- do run.update({'missing': dbt_self_heal.self_heal_names(missing)}) -%}
    {%- do run.plan.update({'seeds': plan.seeds, 'models': plan.models}) -%}
  {%- endif -%}
  {%- if dependants -%}{%- do dbt_self_heal.self_heal_restore_dependants(dependants) -%}{%- endif -%}
  {{ return(dbt_self_heal.self_heal_verify_and_commit(run, missing, check, plan.adopt)) }}
{% endmacro %}

{#- Tables outside the plan whose foreign keys reference a table it replaces (self_heal_foreign_keys): added to the
    plan, in DAG order, when they are derived; returns what cannot be rebuilt ({'problems': [...]}). A heal that only
    creates what is missing replaces nothing and never calls this. -#}
{% macro self_heal_plan_foreign_keys(plan, check) %}
  {%- set foreign_keys = dbt_self_heal.self_heal_foreign_keys(plan.rebuild, check) -%}
  {%- if foreign_keys.add -%}
    {%- set order = dbt_self_heal.self_heal_build_order(plan.rebuild + foreign_keys.add) -%}
    {%- do plan.update({'seeds': order.seeds, 'models': order.models, 'rebuild': order.seeds + order.models,
                        'stale': dbt_self_heal.self_heal_stale_list(check, order.seeds + order.models)}) -%}
  {%- endif -%}
  {{ return(foreign_keys) }}
{% endmacro %}

{#- One planned model that was found unrecorded (its columns compared once its parents are rebuilt) or that may
    read a missing source: built, or kept as it is when its columns are what it builds now. Returns [its id] when
    kept (adopted), else []. -#}
{% macro self_heal_build_or_keep(node, compiled, check, compare, sources) %}
  {%- if compare and not dbt_self_heal.self_heal_column_difference(graph.nodes[node.unique_id], check, compiled) -%}
    {{ return([node.unique_id]) }}
  {%- endif -%}
  {%- if sources -%}{%- do dbt_self_heal.self_heal_check_compiled_sources(node, compiled, sources) -%}{%- endif -%}
  {%- do dbt_self_heal.self_heal_materialize(node, compiled) -%}
  {{ return([]) }}
{% endmacro %}

{#- A stale incremental model the heal runs incrementally (self_heal_rebuild_set: check.incremental): run when the
    columns of its compiled SQL are those of the relation it holds; else kept as it is, with a warning (a renamed
    unique_key column fails the merge, other changes would mix old and new columns), as plain dbt keeps it in a run
    that does not select it. Returns [its id] when kept. -#}
{% macro self_heal_run_or_hold_incremental(node, compiled, check) %}
  {%- set difference = dbt_self_heal.self_heal_column_difference(graph.nodes[node.unique_id], check, compiled) -%}
  {%- if not difference -%}
    {%- do dbt_self_heal.self_heal_materialize(node, compiled) -%}
    {{ return([]) }}
  {%- endif -%}
  {%- do check.held.append(node.unique_id) -%}
  {%- do dbt_self_heal.self_heal_hold(dict(check, held=[node.unique_id], unbuildable={node.unique_id: difference
      ~ ", so running it incrementally over what it holds could fail or mix its old and new columns; `dbt build "
      ~ "--select " ~ node.name ~ " --full-refresh` rebuilds it"})) -%}
  {{ return([node.unique_id]) }}
{% endmacro %}
