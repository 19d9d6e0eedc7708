{#- Inside the transaction: every planned relation exists; then the state row says completed and dbt commits. -#}
{% macro self_heal_verify_and_commit(run, planned, check, adopt) %}
  {%- do dbt_self_heal.self_heal_advance(run, 'verify', dbt_self_heal.self_heal_names(planned), "Verifying " ~ planned | length ~ " relations...") -%}
  {#- self_heal_relation and self_heal_relation_key, inline. -#}
  {%- set home = target.database | lower -%}
  {%- set keys = [] -%}
  {%- for uid in planned -%}
    {%- set node = graph.nodes[uid] -%}
    {%- do keys.append((('' if (node.database or home) | lower == home else node.database ~ '.') ~ node.schema ~ '.' ~ node.alias) | lower) -%}
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
  {#- A heal that built every needed relation, none of them between selected nodes, records them and nothing else
      (a new workspace); the rest is self_heal_record_heal's (so that path never compiles it). -#}
  {%- if check.between or adopt or check['keys'] | reject('in', planned) | first is defined -%}
    {%- do dbt_self_heal.self_heal_record_heal(planned, check, adopt) -%}
  {%- else -%}
    {%- do dbt_self_heal.self_heal_record_fingerprints(planned, check.fingerprints, check.files, check.hashes,
                                                       'self_heal', check.record_exists, check.digest) -%}
  {%- endif -%}
  {#- Nodes with hooks that run after the commit (post-hooks dbt runs after its commit, before_begin pre-hooks that
      cannot run inside a transaction) stay marked unfinished until those hooks succeed, so a failing one (an
      export, a CHECKPOINT) is run again, with its node, by the next run. -#}
  {%- set after_commit = [] -%}
  {%- for uid in planned if (graph.nodes[uid].config.get('post-hook') or []) | selectattr('transaction', 'false') | first is defined
        or ((graph.nodes[uid].config.get('pre-hook') or []) | selectattr('transaction', 'false') | first is defined
            and dbt_self_heal.self_heal_deferred_pre_hooks(graph.nodes[uid].config['pre-hook'])) -%}
    {%- do after_commit.append(uid) -%}
  {%- endfor -%}
  {%- if after_commit -%}{%- do dbt_self_heal.self_heal_mark_unfinished(after_commit) -%}{%- endif -%}
  {%- do dbt_self_heal.self_heal_advance(run, none, []) -%}
  {%- set now = dbt_self_heal.self_heal_now() -%}
  {%- do run_query("update " ~ dbt_self_heal.self_heal_state_relation() ~ " set state = 'completed', completed_at = "
      ~ dbt_self_heal.self_heal_sql_timestamp(now) ~ ", duration_seconds = extract(epoch from " ~ dbt_self_heal.self_heal_sql_timestamp(now) ~ " - started_at)"
      ~ ", relations_healed = " ~ dbt_self_heal.self_heal_sql_string(tojson(dbt_self_heal.self_heal_names(planned)))
      ~ ", steps = " ~ dbt_self_heal.self_heal_sql_string(tojson(run.steps))
      ~ " where invocation_id = " ~ dbt_self_heal.self_heal_sql_string(invocation_id)) -%}
  {%- do dbt_self_heal.self_heal_commit() -%}
  {%- do run.update({'state': 'completed'}) -%}
  {%- if after_commit -%}
    {%- do dbt_self_heal.self_heal_run_after_commit(after_commit) -%}
    {%- do dbt_self_heal.self_heal_mark_unfinished(after_commit, mark=false) -%}
  {%- endif -%}
  {%- if adopt -%}{%- do dbt_self_heal.self_heal_adopted_line(adopt) -%}{%- endif -%}
  {%- set duration = dbt_self_heal.self_heal_seconds_since(run.started_at) -%}
  {%- do dbt_self_heal.self_heal_emit({'event': 'heal_complete', 'state': 'completed', 'relations': run.missing,
                         'seeds': run.plan.seeds | length, 'models': run.plan.models | length,
                         'started_at': run.started_at, 'completed_at': dbt_self_heal.self_heal_now(), 'duration_seconds': duration},
      ("initialization complete" if not run.plan.stale else "workspace up to date") ~ ": built and verified "
      ~ run.plan.seeds | length ~ " seeds and "
      ~ run.plan.models | length ~ " models in " ~ duration ~ "s; continuing with the run") -%}
  {{ return('') }}
{% endmacro %}

{#- The records of a heal that is not simply every needed relation built (self_heal_verify_and_commit): nodes between
    selected nodes, adopted relations, and the needed relations it did not build, found current under this digest. -#}
{% macro self_heal_record_heal(planned, check, adopt) %}
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
  {%- if adopt -%}
    {%- do dbt_self_heal.self_heal_record_fingerprints(adopt, dbt_self_heal.self_heal_adopted_fingerprints(adopt, check),
                                                       check.files, check.hashes, 'adopted', true, check.digest) -%}
  {%- endif -%}
  {%- if not check.get('kept') -%}
    {#- Those just recorded carry the digest already. -#}
    {%- set verified = [] -%}
    {%- for uid, key in check['keys'].items() if uid not in unverified and uid not in check.get('held', [])
                                                 and uid not in planned and uid not in adopt -%}{%- do verified.append(key) -%}{%- endfor -%}
    {%- if verified -%}{%- do dbt_self_heal.self_heal_record_verified(verified, check.digest) -%}{%- endif -%}
  {%- endif -%}
{% endmacro %}
