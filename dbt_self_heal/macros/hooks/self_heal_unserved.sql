{#- on-run-start on an adapter or a dbt version the package does not serve (self_heal_settings: adapters,
    dbt_versions). Switched off, or on an unknown dbt version (reachable only with --no-version-check, as the
    package's require-dbt-version refuses it otherwise): one line, and the run goes on as if the package were not
    installed. Switched on for an adapter it does not support: the run is refused at once, before any node runs,
    naming the adapter and the var that switches healing off. -#}
{% macro self_heal_unserved(settings) %}
  {%- if adapter.type() not in settings.adapters and settings.enabled -%}
    {{ exceptions.raise_compiler_error("dbt_self_heal heals on " ~ settings.adapters | join(', ') ~ " only; this target's "
        ~ "adapter is " ~ adapter.type() ~ ". Switch healing off for this project with `vars: {self_heal_enabled: false}` "
        ~ "in dbt_project.yml (or --vars '{self_heal_enabled: false}'), or remove the package from packages.yml.") }}
  {%- endif -%}
  {%- do log("Self-heal: not healing: " ~ dbt_self_heal.self_heal_unserved_reason(settings) ~ ("" if settings.enabled else "; healing is switched off")
      ~ ". The run goes on as without the package.", info=true) -%}
  {{ return('') }}
{% endmacro %}

{#- Why this target or this dbt is not served, in one phrase (the hooks' line, self_heal_status's refusal). -#}
{% macro self_heal_unserved_reason(settings) %}
  {{ return("adapter " ~ adapter.type() ~ " is not supported (" ~ settings.adapters | join(', ') ~ ")"
      if adapter.type() not in settings.adapters else "dbt " ~ dbt_version ~ " is not a version this package knows ("
      ~ settings.dbt_versions | first ~ " to " ~ settings.dbt_versions | last ~ ")") }}
{% endmacro %}
