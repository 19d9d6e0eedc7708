{#- on-run-start hook 2 of 4: the seeds are loaded; build the missing models in DAG order in the open transaction. -#}
{% macro self_heal_build() %}
  {#- Inline check, no helper calls: dbt compiles every macro a run touches, so a healthy run stays cheap. -#}
  {%- set run = graph.get('_self_heal_run') if execute else none -%}
  {%- if run is none or run.invocation_id != invocation_id or run.state != 'in_progress' -%}{{ return('') }}{%- endif -%}
  {{ return(self_heal_build_sql(run)) }}
{% endmacro %}

{% macro self_heal_build_sql(run) %}
  {%- set models = run.plan.models -%}
  {%- do self_heal_advance(run, 'build_foundation', self_heal_names(models),
                           "Building foundation models (" ~ models | length ~ ")..." if models else none) -%}
  {%- set statements = [] -%}
  {%- for uid in models -%}
    {%- do statements.extend(self_heal_model_sql(graph.nodes[uid])) -%}
  {%- endfor -%}
  {{ return(statements | join(';\n') ~ ';' if statements else '') }}
{% endmacro %}
