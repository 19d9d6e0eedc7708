{#- Stale relations kept as they are (self_heal_rebuild_set), and said so every run until dbt runs them: incremental
    models that append, and relations the heal cannot build (check['unbuildable']: {unique_id: why}). -#}
{% macro self_heal_hold(check) %}
  {%- set held = dbt_self_heal.self_heal_stale_list(check, check.held) -%}
  {%- set unbuildable = check.get('unbuildable') or {} -%}
  {%- set lines, notes, appends = [], [], [] -%}
  {%- for item in held -%}
    {%- do lines.append(item.relation ~ " (" ~ item.reason ~ ")") -%}
    {%- if item.unique_id in unbuildable -%}
      {#- A why that already says what brings it up to date (a var to pass, `--full-refresh`) gets no other way. -#}
      {%- set why = unbuildable[item.unique_id] -%}
      {%- do notes.append("self_heal does not build " ~ graph.nodes[item.unique_id].name ~ ": " ~ why
                          ~ ("." if '`dbt ' in why or 'up to date' in why
                             else "; `dbt build --select " ~ graph.nodes[item.unique_id].name ~ "` brings it up to date.")) -%}
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

{#- Relations the heal would replace but keeps as they are (PostgreSQL): replacing one drops, with CASCADE, objects of
    the user's that depend on it and that the heal cannot create again (check.blocked: {relation key: [objects]},
    self_heal_dependants). Taken out of the plan and held, with a warning naming those objects. Returns what is
    still to build. -#}
{% macro self_heal_hold_blocked(plan, check, missing) %}
  {%- set blocked = [] -%}
  {%- set whys = {} -%}
  {%- for uid in missing if check['keys'][uid] in check.blocked -%}
    {%- do blocked.append(uid) -%}
    {%- do whys.update({uid: "replacing it would drop, as dbt-postgres replaces a relation (DROP ... CASCADE), what "
        ~ "depends on it and cannot be created again here: " ~ check.blocked[check['keys'][uid]] | join(', ')}) -%}
  {%- endfor -%}
  {%- do check.held.extend(blocked) -%}
  {%- do plan.update({'seeds': plan.seeds | reject('in', blocked) | list, 'models': plan.models | reject('in', blocked) | list}) -%}
  {%- do dbt_self_heal.self_heal_hold(dict(check, held=blocked, unbuildable=whys)) -%}
  {{ return(missing | reject('in', blocked) | list) }}
{% endmacro %}
