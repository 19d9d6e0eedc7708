{#- The line (and `adopted` event) for relations recorded as they are instead of rebuilt. -#}
{% macro self_heal_adopted_line(adopt) %}
  {%- set names = dbt_self_heal.self_heal_names(adopt) -%}
  {%- do dbt_self_heal.self_heal_emit({'event': 'adopted', 'relations': names},
      "adopted " ~ adopt | length ~ " relations built outside these hooks, kept as they are and recorded (their kind "
      ~ "and columns are what their nodes build now; or they are incremental models or snapshots, whose history only "
      ~ "they hold, models the heal does not build, or models whose SQL needs their sql_header or pre-hooks to be "
      ~ "described, kept by their kind): " ~ names | join(', ')) -%}
{% endmacro %}
