{#- on-run-start hook 3 of 4: check inside the transaction that every planned relation exists, register them in dbt's
    relation cache, mark the attempt completed and commit: the relations and the state row land together or not at all. -#}
{% macro self_heal_verify() %}
  {#- Inline check, no helper calls: dbt compiles every macro a run touches, so a healthy run stays cheap. -#}
  {%- set run = graph.get('_self_heal_run') if execute else none -%}
  {%- if run is none or run.invocation_id != invocation_id or run.state != 'in_progress' -%}{{ return('') }}{%- endif -%}
  {{ return(self_heal_verify_sql(run)) }}
{% endmacro %}

{% macro self_heal_verify_sql(run) %}
  {%- set planned = run.plan.seeds + run.plan.models -%}
  {%- do self_heal_advance(run, 'verify', self_heal_names(planned), "Verifying " ~ planned | length ~ " relations...") -%}
  {%- set keys = [] -%}
  {%- for uid in planned -%}
    {%- set rel = self_heal_relation(graph.nodes[uid]) -%}
    {%- do keys.append(self_heal_relation_key(rel.database, rel.schema, rel.identifier)) -%}
  {%- endfor -%}
  {%- set existing = self_heal_existing_relations(keys) -%}
  {%- set absent = [] -%}
  {%- for uid in planned -%}
    {%- if keys[loop.index0] not in existing -%}{%- do absent.append(graph.nodes[uid].name) -%}{%- endif -%}
  {%- endfor -%}
  {%- if absent -%}
    {%- do run.update({'error': 'verification failed: ' ~ absent | join(', ') ~ ' still missing after the build'}) -%}
    {{ return("select error(" ~ self_heal_sql_string("self_heal verification failed: " ~ absent | join(', ')
        ~ " still missing after the build; nothing was committed. Check these models' SQL, then rerun.") ~ ")") }}
  {%- endif -%}
  {%- for uid in planned -%}{%- do adapter.cache_added(self_heal_relation(graph.nodes[uid])) -%}{%- endfor -%}
  {%- do self_heal_advance(run, none, []) -%}
  {%- set now = self_heal_now() -%}
  {{ return("update " ~ self_heal_state_relation() ~ " set state = 'completed', completed_at = " ~ self_heal_sql_timestamp(now)
     ~ ", duration_seconds = epoch(" ~ self_heal_sql_timestamp(now) ~ " - started_at)"
     ~ ", relations_healed = " ~ self_heal_sql_string(tojson(self_heal_names(planned)))
     ~ ", steps = " ~ self_heal_sql_string(tojson(run.steps))
     ~ " where invocation_id = " ~ self_heal_sql_string(invocation_id) ~ ";\ncommit;") }}
{% endmacro %}
