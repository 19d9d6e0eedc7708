{#- Stale relations kept as they are (self_heal_rebuild_set), and said so every run until dbt runs them: incremental
    models that append, and relations the heal cannot build (check['unbuildable']: {unique_id: why}). -#}
{% macro self_heal_hold(check) %}
  {%- set held = dbt_self_heal.self_heal_stale_list(check, check.held) -%}
  {%- set unbuildable = check.get('unbuildable') or {} -%}
  {%- set lines, notes, appends = [], [], [] -%}
  {%- for item in held -%}
    {%- do lines.append(item.relation ~ " (" ~ item.reason ~ ")") -%}
    {%- if item.unique_id in unbuildable -%}
      {%- do notes.append("self_heal does not build " ~ graph.nodes[item.unique_id].name ~ ": "
                          ~ unbuildable[item.unique_id] ~ "; `dbt build --select " ~ graph.nodes[item.unique_id].name
                          ~ "` brings it up to date.") -%}
    {%- else -%}
      {%- do appends.append(item.unique_id) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if appends -%}
    {%- do notes.append("These incremental models append (no unique_key), so running them here could add their rows "
        ~ "twice; run `dbt run --select " ~ dbt_self_heal.self_heal_names(appends) | join(' ')
        ~ "` when they should process their new input.") -%}
  {%- endif -%}
  {%- do dbt_self_heal.self_heal_emit({'event': 'stale_kept', 'stale': held},
      "WARNING: kept as they are, though stale: " ~ lines | join('; ') ~ ". " ~ notes | join(' ')) -%}
{% endmacro %}
