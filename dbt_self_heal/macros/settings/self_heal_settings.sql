{#- The one place where self-healing settings and their defaults live (dbt_self_heal/README.md, "Settings").
    Each is a var, set globally or scoped to the package (`vars: {dbt_self_heal: {...}}`) in the consumer's project. -#}
{% macro self_heal_settings() %}
  {#- Read once per hook (a heal asks for them at every step): kept in the hook's context, as self_heal_engine is. -#}
  {%- if 'self_heal__settings' in context -%}{{ return(context['self_heal__settings']) }}{%- endif -%}
  {%- set unrecorded = var('self_heal_unrecorded', 'adopt') | string | lower -%}
  {%- if unrecorded not in ['rebuild', 'adopt'] -%}
    {{ exceptions.raise_compiler_error("var self_heal_unrecorded is '" ~ unrecorded ~ "'; set it to "
        ~ "'adopt' (the default: kept when its kind and columns are what its node builds) or 'rebuild' in dbt_project.yml vars or --vars.") }}
  {%- endif -%}
  {#- DuckDB matches schema names in any case, dbt's relation cache does not: the target schema named in another
      case is the target schema as dbt knows it. -#}
  {%- set state_schema = var('self_heal_state_schema', target.schema) | string -%}
  {%- set state_schema = target.schema if state_schema | lower == target.schema | lower else state_schema -%}
  {%- set lock_timeout = var('self_heal_lock_timeout', 600) -%}
  {%- if lock_timeout | string | trim | float(-1) < 0 -%}
    {{ exceptions.raise_compiler_error("var self_heal_lock_timeout is '" ~ lock_timeout ~ "'; set it to the seconds a run "
        ~ "waits for another run's heal on the same database (default 600) in dbt_project.yml vars or --vars.") }}
  {%- endif -%}
  {#- adapters / dbt_versions: what the package can serve (served: this target and this dbt). On any other adapter or
      dbt minor both hooks do nothing but say so in one line (self_heal_unserved); enabled on another adapter, the run
      is refused. An adapter joins the list when adapters/ has its dispatched variants and the tests run on it. -#}
  {%- set record_table = var('self_heal_record_table', 'self_heal_fingerprints') -%}
  {%- set adapters, dbt_versions = ['duckdb', 'postgres'], ['1.8', '1.9', '1.10', '1.11', '1.12'] -%}
  {#- A switch is off when it reads false, 0, no, off, none or empty (any case, spaces around): --vars give strings. -#}
  {%- set off = ['false', '0', 'no', 'off', 'none', ''] -%}
  {%- do context.update({'self_heal__settings': {
      'enabled': var('self_heal_enabled', true) | string | trim | lower not in off,
      'package_hooks': var('self_heal_package_hooks', true) | string | trim | lower not in off,
      'state_schema': state_schema,
      'state_table': var('self_heal_state_table', 'self_heal_state'),
      'record_table': record_table,
      'plan_table': record_table ~ '_healthy_plans',
      'unrecorded': unrecorded,
      'lock_timeout': lock_timeout | string | trim | float,
      'commands': ['build', 'run', 'test', 'seed', 'snapshot', 'retry'],
      'adapters': adapters,
      'dbt_versions': dbt_versions,
      'served': adapter.type() in adapters and (dbt_version.split('.')[:2] | join('.')) in dbt_versions,
  }}) -%}
  {{ return(context['self_heal__settings']) }}
{% endmacro %}
