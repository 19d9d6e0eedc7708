{#- `dbt run-operation dbt_self_heal.self_heal_status [--args '{select: [model, ...]}']`: what a run selecting those
    nodes (by name; none: a run needing only the required nodes) would build now - missing, stale (with reasons, in
    build order), of the wrong kind, without a record - without building anything.
    Prints one `self_heal {"event": "status", ...}` line (selfheal status reads it). -#}
{% macro self_heal_status(select=[]) %}
  {%- if not execute -%}{{ return('') }}{%- endif -%}
  {%- set settings = dbt_self_heal.self_heal_settings() -%}
  {#- What the hook would do is nothing on an adapter or dbt version the package does not serve: say so and stop. -#}
  {%- if not settings.served -%}
    {{ exceptions.raise_compiler_error("self_heal_status: dbt_self_heal does not heal here: "
        ~ dbt_self_heal.self_heal_unserved_reason(settings) ~ ", so no run on this target builds anything through it. "
        ~ "Point --target at a supported adapter or run dbt itself (dbt build builds what is missing).") }}
  {%- endif -%}
  {%- set names = [select] if select is string else select -%}
  {%- set selected = [] -%}
  {%- for node in graph.nodes.values() if node.name in names and node.resource_type in ['model', 'seed', 'snapshot'] -%}
    {%- do selected.append(node.unique_id) -%}
  {%- endfor -%}
  {%- set needs = dbt_self_heal.self_heal_needed_nodes(selected) -%}
  {#- Every node declared required, as the hook reads the declaration (required nodes the selection builds are not
      among needs.required). -#}
  {%- set required = dbt_self_heal.self_heal_needed_nodes([]).required if selected else needs.required -%}
  {%- set check = dbt_self_heal.self_heal_check(needs.needed, needs.file_readers) -%}
  {%- set plan = dbt_self_heal.self_heal_plan(check, settings) -%}
  {%- set stale = plan.stale -%}
  {%- do dbt_self_heal.self_heal_emit({'event': 'status', 'needed': dbt_self_heal.self_heal_names(needs.needed),
        'required': dbt_self_heal.self_heal_names(required),
        'missing': dbt_self_heal.self_heal_names(check.missing), 'stale': stale,
        'unrecorded': dbt_self_heal.self_heal_names(check.unrecorded)},
      (check.missing | length) ~ " missing and " ~ (stale | length) ~ " stale of " ~ needs.needed | length
      ~ " needed relations" ~ (": " ~ (stale | map(attribute='relation') | join(', ')) if stale else "")) -%}
{% endmacro %}
