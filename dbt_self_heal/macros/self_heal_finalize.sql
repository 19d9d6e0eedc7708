{#- on-run-end hook: when healing failed, mark the attempt failed with its error and say how to fix it.
    dbt has rolled the healing transaction back, so the database is as it was before the run. -#}
{% macro self_heal_finalize(wired_by='consumer') %}
  {%- if not execute -%}{{ return('') }}{%- endif -%}
  {%- set run = graph.get('_self_heal_run') -%}
  {%- if run is not none and run.invocation_id == invocation_id and run.state == 'in_progress' -%}
    {%- do dbt_self_heal.self_heal_record_failure(run) -%}
  {%- endif -%}
  {%- set built = [] -%}
  {%- for result in results if result.status == 'success' and result.node.resource_type in ['model', 'seed']
                               and result.node.config.materialized != 'ephemeral' -%}
    {%- do built.append(result.node.unique_id) -%}
  {%- endfor -%}
  {%- if wired_by == 'package' and not dbt_self_heal.self_heal_settings().package_hooks -%}
    {#- The consumer's own on-run-end (dbt runs the root project's hooks first) records what dbt built; when it did
        not run, nothing did, so the records of those relations can no longer be trusted. -#}
    {%- if built and graph.get('_self_heal_finalized') != invocation_id -%}{%- do dbt_self_heal.self_heal_forget(built) -%}{%- endif -%}
    {{ return('') }}
  {%- endif -%}
  {%- do graph.update({'_self_heal_finalized': invocation_id}) -%}
  {%- set check = graph.get('_self_heal_check') -%}
  {%- if check is none or check.invocation_id != invocation_id -%}
    {#- No check ran (healing switched off with self_heal_enabled: false): dbt may have rebuilt relations from
        other inputs than their records say, so their records are dropped and the next run with healing on treats
        them as unrecorded (var self_heal_unrecorded) instead of trusting a stale record. -#}
    {%- if built -%}{%- do dbt_self_heal.self_heal_forget(built) -%}{%- endif -%}
    {{ return('') }}
  {%- endif -%}
  {#- dbt built these itself in this run: record their fingerprints, so the next run knows they are current. -#}
  {%- if built -%}{%- do dbt_self_heal.self_heal_record_built(built, check) -%}{%- endif -%}
  {%- if (check.selected | length) > (built | length) -%}
    {%- set statuses = {} -%}
    {%- for result in results -%}{%- do statuses.update({result.node.unique_id: 'skipped' if result.status == 'skipped' else 'ran'}) -%}{%- endfor -%}
    {%- do dbt_self_heal.self_heal_restore_unbuilt(check.selected, statuses) -%}
  {%- endif -%}
  {{ return('') }}
{% endmacro %}

{% macro self_heal_forget(built) %}
  {%- set record_relation = dbt_self_heal.self_heal_record_relation() -%}
  {%- if not dbt_self_heal.self_heal_record_table_ours() -%}{{ return(none) }}{%- endif -%}
  {%- set keys = [] -%}
  {%- for uid in built -%}
    {%- set node = graph.nodes[uid] -%}
    {%- do keys.append(dbt_self_heal.self_heal_sql_string(dbt_self_heal.self_heal_relation_key(node.database, node.schema, node.alias))) -%}
  {%- endfor -%}
  {%- do run_query("delete from " ~ record_relation ~ " where relation in (" ~ keys | join(', ') ~ ")") -%}
{% endmacro %}

{% macro self_heal_record_built(built, check) %}
  {%- set record_relation = dbt_self_heal.self_heal_record_relation() -%}
  {%- set record_exists = check.record_exists or adapter.get_relation(record_relation.database,
        record_relation.schema, record_relation.identifier) is not none -%}
  {#- File hashes: the check's, else the recorded one while a file's size and time are unchanged, else hashed. -#}
  {%- set stats = dict(check.files) -%}
  {%- set hashes = dict(check.hashes) -%}
  {%- set unhashed = dbt_self_heal.self_heal_files_of(built) | reject('in', hashes) | list -%}
  {%- if unhashed -%}
    {%- set keys = [] -%}
    {%- for uid in built -%}
      {%- set node = graph.nodes[uid] -%}
      {%- do keys.append(dbt_self_heal.self_heal_relation_key(node.database, node.schema, node.alias)) -%}
    {%- endfor -%}
    {%- set found = dbt_self_heal.self_heal_inspect(keys, record_relation if record_exists else none, unhashed) -%}
    {%- do found.records.update(check.records) -%}
    {%- do stats.update(found.files) -%}
    {%- do hashes.update(dbt_self_heal.self_heal_known_hashes(found.records, found.files)) -%}
  {%- endif -%}
  {#- Nodes dbt rebuilt are hashed again (their parents may have been rebuilt too); the rest are the check's. -#}
  {%- set known = {} -%}
  {%- for uid, value in check.fingerprints.items() if uid not in built -%}{%- do known.update({uid: value}) -%}{%- endfor -%}
  {%- set fingerprints = dbt_self_heal.self_heal_fingerprints(built, hashes, known) -%}
  {%- do dbt_self_heal.self_heal_record_fingerprints(built, fingerprints, stats, hashes, 'dbt', record_exists,
                                                     check.digest) -%}
{% endmacro %}

{% macro self_heal_record_failure(run) %}
  {%- do run.update({'state': 'failed'}) -%}
  {%- set step = run.step -%}
  {%- set error = run.get('error') or ("the database rejected the SQL of step '" ~ step
      ~ "' (its error is printed by dbt as 'dbt_self_heal.on-run-start.N failed, error: ...').") -%}
  {%- if run.steps and run.steps[-1].status == 'started' -%}
    {%- set last = run.steps.pop() -%}
    {%- set failed_step = dbt_self_heal.self_heal_step_event(last.step, 'failed', last.started_at, last.relations, error) -%}
    {%- do run.steps.append(failed_step) -%}
    {%- do dbt_self_heal.self_heal_emit(failed_step) -%}
  {%- endif -%}
  {%- set remediation = dbt_self_heal.self_heal_remediation(step, error) -%}
  {%- set now = dbt_self_heal.self_heal_now() -%}
  {%- do run_query("update " ~ dbt_self_heal.self_heal_state_relation() ~ " set state = 'failed', completed_at = "
      ~ dbt_self_heal.self_heal_sql_timestamp(now) ~ ", duration_seconds = epoch(" ~ dbt_self_heal.self_heal_sql_timestamp(now) ~ " - started_at)"
      ~ ", error = " ~ dbt_self_heal.self_heal_sql_string(error) ~ ", steps = " ~ dbt_self_heal.self_heal_sql_string(tojson(run.steps))
      ~ " where invocation_id = " ~ dbt_self_heal.self_heal_sql_string(invocation_id)) -%}
  {%- do dbt_self_heal.self_heal_emit({'event': 'heal_failed', 'state': 'failed', 'step': step, 'error': error,
                         'remediation': remediation, 'relations': run.missing,
                         'started_at': run.started_at, 'completed_at': now,
                         'duration_seconds': dbt_self_heal.self_heal_seconds_since(run.started_at)},
      "initialization FAILED in step " ~ step ~ ": " ~ error ~ " Nothing was kept (the transaction was rolled back), "
      ~ "so the next run starts clean. Fix: " ~ remediation) -%}
  {{ return('') }}
{% endmacro %}

{#- What to do about a failed step (see README, "Error catalogue"). -#}
{% macro self_heal_remediation(step, error) %}
  {%- if step == 'check_tables' -%}
    {{ return("nothing was built: do what each problem above says (it names the file, var, source or node "
              ~ "and how to fix it), then rerun the same command.") }}
  {%- elif step == 'load_seeds' -%}
    {{ return("a seed could not be loaded: fix the CSV or its column_types as the database error above says; "
              ~ "if it says 'No space left on device' or 'File too large', free disk space; then rerun.") }}
  {%- elif step == 'build_foundation' -%}
    {{ return("a model's SQL failed: fix the model whose SQL the database error above quotes (run `dbt build --select "
              ~ "<model> --vars '{self_heal_enabled: false}'` for dbt's per-model error); if it says 'No space left on "
              ~ "device' or 'File too large', free disk space; then rerun.") }}
  {%- elif step == 'verify' -%}
    {{ return("the verification or the commit failed; if the database error above says 'No space left on device' "
              ~ "or 'File too large', free disk space where the database lives; then rerun.") }}
  {%- endif -%}
  {{ return("read the database error above, fix its cause, then rerun the same command.") }}
{% endmacro %}
