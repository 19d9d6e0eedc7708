{#- The heal branch of the on-run-start hook (its own macro, so healthy runs never compile it). Order the missing
    nodes, record the attempt, check everything that can be checked before building (inputs, sources, seed files,
    buildability), then build node by node in DAG order inside ONE transaction opened and committed through dbt's
    connection, so macros that run statements while a node compiles join it. Each node is compiled only after
    everything it depends on exists, and materialized before the next is compiled. -#}
{% macro self_heal_heal(needs, check, rebuild, adopt, readers, check_started) %}
  {%- set plan = dbt_self_heal.self_heal_plan(rebuild) -%}
  {%- set missing = plan.seeds + plan.models -%}
  {%- set missing_names = dbt_self_heal.self_heal_names(missing) -%}
  {%- set absent_names = dbt_self_heal.self_heal_names(check.missing) -%}
  {%- set stale = dbt_self_heal.self_heal_stale_list(check, missing) -%}
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
  {%- do plan.update({'stale': stale}) -%}
  {%- do dbt_self_heal.self_heal_record_attempt(plan, check_started, missing_names, check.state_exists) -%}
  {%- set run = dbt_self_heal.self_heal_start_run(plan, check_started, missing_names) -%}
  {%- do run.steps.append(dbt_self_heal.self_heal_step_event('check_tables', 'completed', check_started, missing_names)) -%}

  {%- set problems = dbt_self_heal.self_heal_check_buildable(missing) + dbt_self_heal.self_heal_check_inputs(missing + readers)
                     + dbt_self_heal.self_heal_check_sources(missing) + dbt_self_heal.self_heal_check_between(missing, needs) -%}
  {%- set seed_sql = {} -%}
  {%- for uid in plan.seeds if not problems -%}
    {%- set seed = dbt_self_heal.self_heal_seed_sql(graph.nodes[uid]) -%}
    {%- if seed.error -%}{%- do problems.append(seed.error) -%}{%- endif -%}
    {%- do seed_sql.update({uid: seed.sql}) -%}
  {%- endfor -%}
  {%- if problems -%}
    {#- Nothing was built: the hook fails as a statement, dbt skips the selected nodes and on-run-end records it. -#}
    {%- do run.update({'error': problems | join(' | ')}) -%}
    {{ return("select error(" ~ dbt_self_heal.self_heal_sql_string(problems | join(' | ')) ~ ")") }}
  {%- endif -%}

  {%- do dbt_self_heal.self_heal_engine().update({'building': (selected_resources | list) + missing}) -%}
  {#- Opening the transaction with a statement that auto-begins makes it dbt's: later statements join it. -#}
  {%- call statement('self_heal_begin', auto_begin=true) -%}select 1{%- endcall -%}
  {%- for ddl in dbt_self_heal.self_heal_schema_sql(missing) -%}{%- do run_query(ddl) -%}{%- endfor -%}
  {%- set total = missing | length -%}
  {%- set manifest = dbt_self_heal.self_heal_engine().manifest -%}
  {%- do dbt_self_heal.self_heal_advance(run, 'load_seeds', dbt_self_heal.self_heal_names(plan.seeds),
                           "Loading seed data (" ~ plan.seeds | length ~ ")..." if plan.seeds else none) -%}
  {%- for uid in plan.seeds -%}
    {%- set started = dbt_self_heal.self_heal_node_started(uid, loop.index, total) -%}
    {%- if uid not in check.missing -%}
      {#- A stale seed is reloaded from scratch, so a changed column set needs no --full-refresh. -#}
      {%- do adapter.drop_relation(dbt_self_heal.self_heal_existing_relation(graph.nodes[uid], check)) -%}
    {%- endif -%}
    {%- do dbt_self_heal.self_heal_load_seed(manifest.nodes[uid], seed_sql[uid]) -%}
    {%- do dbt_self_heal.self_heal_node_completed(uid, started) -%}
  {%- endfor -%}
  {%- do dbt_self_heal.self_heal_advance(run, 'build_foundation', dbt_self_heal.self_heal_names(plan.models),
                           "Building foundation models (" ~ plan.models | length ~ ")..." if plan.models else none) -%}
  {%- for uid in plan.models -%}
    {%- set started = dbt_self_heal.self_heal_node_started(uid, plan.seeds | length + loop.index, total) -%}
    {%- set node = manifest.nodes[uid] -%}
    {%- do dbt_self_heal.self_heal_materialize(node, dbt_self_heal.self_heal_compile(node).sql) -%}
    {%- do dbt_self_heal.self_heal_node_completed(uid, started) -%}
  {%- endfor -%}
  {{ return(dbt_self_heal.self_heal_verify_and_commit(run, missing, check, adopt)) }}
{% endmacro %}

{#- Inside the transaction: every planned relation exists; then the state row says completed and dbt commits. -#}
{% macro self_heal_verify_and_commit(run, planned, check, adopt) %}
  {%- do dbt_self_heal.self_heal_advance(run, 'verify', dbt_self_heal.self_heal_names(planned), "Verifying " ~ planned | length ~ " relations...") -%}
  {%- set keys = [] -%}
  {%- for uid in planned -%}
    {%- set rel = dbt_self_heal.self_heal_relation(graph.nodes[uid]) -%}
    {%- do keys.append(dbt_self_heal.self_heal_relation_key(rel.database, rel.schema, rel.identifier)) -%}
  {%- endfor -%}
  {%- set existing = dbt_self_heal.self_heal_inspect(keys).relations -%}
  {%- set absent = [] -%}
  {%- for uid in planned -%}
    {%- if keys[loop.index0] not in existing -%}{%- do absent.append(graph.nodes[uid].name) -%}{%- endif -%}
  {%- endfor -%}
  {%- if absent -%}
    {{ exceptions.raise_compiler_error("self_heal verification failed: " ~ absent | join(', ')
        ~ " still missing after the build; nothing was committed. Check these models' materialization, then rerun.") }}
  {%- endif -%}
  {#- A node between selected nodes was built from what its selected parents held before this run, which dbt
      rebuilds next: its record says so (self_heal_between_fingerprints) and is never taken on the fast path. -#}
  {%- set between = planned | select('in', check.between) | list -%}
  {%- set honest = dbt_self_heal.self_heal_between_fingerprints(between, check) if between else {} -%}
  {%- set unverified = [] -%}
  {%- for uid, value in honest.items() if value.fingerprint != check.fingerprints[uid].fingerprint -%}
    {%- do unverified.append(uid) -%}
  {%- endfor -%}
  {#- Kept in the check: what dbt builds from them in this run is recorded from them (self_heal_finalize). -#}
  {%- do check.fingerprints.update(honest) -%}
  {%- set fingerprints = check.fingerprints -%}
  {%- do dbt_self_heal.self_heal_record_fingerprints(planned | reject('in', unverified) | list, fingerprints, check.files,
                                                     check.hashes, 'self_heal', check.record_exists, check.digest) -%}
  {%- do dbt_self_heal.self_heal_record_fingerprints(unverified, fingerprints, check.files, check.hashes,
                                                     'self_heal', check.record_exists, none) -%}
  {%- do dbt_self_heal.self_heal_record_fingerprints(adopt, dbt_self_heal.self_heal_adopted_fingerprints(adopt, check),
                                                     check.files, check.hashes, 'adopted', true, check.digest) -%}
  {%- if not check.get('kept') -%}
    {%- set verified = [] -%}
    {%- for uid, key in check['keys'].items() if uid not in unverified and uid not in check.get('held', []) -%}{%- do verified.append(key) -%}{%- endfor -%}
    {%- do dbt_self_heal.self_heal_record_verified(verified, check.digest) -%}
  {%- endif -%}
  {#- Nodes with post-hooks that run after the commit stay marked unfinished until those hooks succeed, so a
      failing one (an export, a CHECKPOINT) is run again, with its node, by the next run. -#}
  {%- set after_commit = [] -%}
  {%- for uid in planned if graph.nodes[uid].config.get('post-hook') -%}
    {%- for hook in graph.nodes[uid].config.get('post-hook') if not hook.get('transaction', true) and uid not in after_commit -%}
      {%- do after_commit.append(uid) -%}
    {%- endfor -%}
  {%- endfor -%}
  {%- do dbt_self_heal.self_heal_mark_unfinished(after_commit) -%}
  {%- do dbt_self_heal.self_heal_advance(run, none, []) -%}
  {%- set now = dbt_self_heal.self_heal_now() -%}
  {%- do run_query("update " ~ dbt_self_heal.self_heal_state_relation() ~ " set state = 'completed', completed_at = "
      ~ dbt_self_heal.self_heal_sql_timestamp(now) ~ ", duration_seconds = epoch(" ~ dbt_self_heal.self_heal_sql_timestamp(now) ~ " - started_at)"
      ~ ", relations_healed = " ~ dbt_self_heal.self_heal_sql_string(tojson(dbt_self_heal.self_heal_names(planned)))
      ~ ", steps = " ~ dbt_self_heal.self_heal_sql_string(tojson(run.steps))
      ~ " where invocation_id = " ~ dbt_self_heal.self_heal_sql_string(invocation_id)) -%}
  {%- do adapter.commit() -%}
  {%- do run.update({'state': 'completed'}) -%}
  {%- if after_commit -%}
    {%- do dbt_self_heal.self_heal_run_after_commit(after_commit) -%}
    {%- do dbt_self_heal.self_heal_mark_unfinished(after_commit, mark=false) -%}
  {%- endif -%}
  {%- set duration = dbt_self_heal.self_heal_seconds_since(run.started_at) -%}
  {%- do dbt_self_heal.self_heal_emit({'event': 'heal_complete', 'state': 'completed', 'relations': run.missing,
                         'seeds': run.plan.seeds | length, 'models': run.plan.models | length,
                         'started_at': run.started_at, 'completed_at': dbt_self_heal.self_heal_now(), 'duration_seconds': duration},
      ("initialization complete" if not run.plan.stale else "workspace up to date") ~ ": built and verified "
      ~ run.plan.seeds | length ~ " seeds and "
      ~ run.plan.models | length ~ " models in " ~ duration ~ "s; continuing with the run") -%}
  {{ return('') }}
{% endmacro %}

{#- Fingerprints of nodes between selected nodes as they were built: from their selected ancestors' recorded
    fingerprints (what those relations held before dbt rebuilds them in this run; 'unrecorded' when there is none),
    so the next run finds them stale exactly when a selected ancestor changed. -#}
{% macro self_heal_between_fingerprints(between, check) %}
  {%- set ancestors = {} -%}
  {%- set queue = [] -%}
  {%- for uid in between -%}{%- do queue.extend(graph.nodes[uid].depends_on.get('nodes', [])) -%}{%- endfor -%}
  {%- set seen = {} -%}
  {%- for uid in queue if uid not in seen and uid in graph.nodes -%}
    {%- do seen.update({uid: true}) -%}
    {%- set node = graph.nodes[uid] -%}
    {%- if uid in check.selected and node.config.materialized != 'ephemeral' -%}
      {%- do ancestors.update({uid: dbt_self_heal.self_heal_relation_key(node.database, node.schema, node.alias)}) -%}
    {%- else -%}
      {%- do queue.extend(node.depends_on.get('nodes', [])) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set records = dbt_self_heal.self_heal_inspect(ancestors.values() | list,
        dbt_self_heal.self_heal_record_relation() if check.record_exists else none).records -%}
  {%- set known = {} -%}
  {%- for uid, value in check.fingerprints.items() if uid not in between -%}{%- do known.update({uid: value}) -%}{%- endfor -%}
  {%- for uid, key in ancestors.items() -%}
    {%- do known.update({uid: {'fingerprint': (records.get(key) or {}).get('fingerprint') or 'unrecorded'}}) -%}
  {%- endfor -%}
  {%- set fingerprints = dbt_self_heal.self_heal_fingerprints(between, check.hashes, known) -%}
  {%- set honest = {} -%}
  {%- for uid in between -%}{%- do honest.update({uid: fingerprints[uid]}) -%}{%- endfor -%}
  {{ return(honest) }}
{% endmacro %}

{#- Per-node progress: the human line before a node names it, so a failure right after it is attributable. -#}
{% macro self_heal_node_started(uid, index, total) %}
  {%- set node = graph.nodes[uid] -%}
  {%- set started = dbt_self_heal.self_heal_now() -%}
  {%- do dbt_self_heal.self_heal_emit({'event': 'node', 'status': 'started', 'unique_id': uid, 'name': node.name,
                         'resource_type': node.resource_type, 'materialized': node.config.materialized,
                         'index': index, 'total': total, 'started_at': started},
      "[" ~ index ~ "/" ~ total ~ "] building " ~ node.resource_type ~ " " ~ node.name
      ~ (" (" ~ node.config.materialized ~ ")" if node.resource_type != 'seed' else "")) -%}
  {{ return(started) }}
{% endmacro %}

{% macro self_heal_node_completed(uid, started) %}
  {%- do dbt_self_heal.self_heal_emit({'event': 'node', 'status': 'completed', 'unique_id': uid, 'name': graph.nodes[uid].name,
                         'started_at': started, 'completed_at': dbt_self_heal.self_heal_now(),
                         'duration_seconds': dbt_self_heal.self_heal_seconds_since(started)}) -%}
{% endmacro %}

{#- Load one seed with its SQL, inside the seed's own context when it has hooks or docs to persist, in the order of
    dbt's seed materialization: pre-hooks, create and load, persist_docs, post-hooks (after_commit ones after the
    heal's commit). -#}
{% macro self_heal_load_seed(node, statements) %}
  {%- set relation = dbt_self_heal.self_heal_relation(node) -%}
  {%- set docs = node.config.get('persist_docs') or {} -%}
  {%- set dressed = node.config.pre_hook or node.config.post_hook or docs.get('relation') or docs.get('columns') -%}
  {%- if dressed -%}
    {%- do dbt_self_heal.self_heal_enter_node(node) -%}
    {#- This macro's own names were bound when it was called: the node's values are read from the live context. -#}
    {%- do run_hooks(context['pre_hooks'], inside_transaction=false) -%}
    {%- do run_hooks(context['pre_hooks'], inside_transaction=true) -%}
  {%- endif -%}
  {%- for sql in statements -%}{%- do run_query(sql) -%}{%- endfor -%}
  {%- do adapter.cache_added(relation) -%}
  {%- if dressed -%}
    {%- do persist_docs(relation, context['model']) -%}
    {%- do run_hooks(context['post_hooks'], inside_transaction=true) -%}
    {%- do dbt_self_heal.self_heal_leave_node() -%}
  {%- endif -%}
{% endmacro %}
