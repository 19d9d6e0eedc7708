{#- Stale incremental models that append: kept as they are (self_heal_rebuild_set), and said so every run until
    dbt runs them. -#}
{% macro self_heal_hold(check) %}
  {%- set held = dbt_self_heal.self_heal_stale_list(check, check.held) -%}
  {%- set lines = [] -%}
  {%- for item in held -%}{%- do lines.append(item.relation ~ " (" ~ item.reason ~ ")") -%}{%- endfor -%}
  {%- do dbt_self_heal.self_heal_emit({'event': 'stale_kept', 'stale': held},
      "WARNING: kept as they are, though stale: " ~ lines | join('; ') ~ ". These incremental models append "
      ~ "(no unique_key), so running them here could add their rows twice; run `dbt run --select "
      ~ dbt_self_heal.self_heal_names(check.held) | join(' ') ~ "` when they should process their new input.") -%}
{% endmacro %}
