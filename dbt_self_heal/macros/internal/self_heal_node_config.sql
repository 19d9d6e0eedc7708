{#- config.get / require / ... read the node's config, as RuntimeConfigObject does. The node being built is read
    from the engine's stack inline (self_heal_current_node): a model calls config.get often. -#}
{% macro self_heal_config_get(name, default=none, validator=none) %}
  {%- set value = context['self_heal__engine_state'].stack[-1].node.config.get(name, default) -%}
  {#- dbt's --full-refresh applies to the nodes the run selects; the heal builds nodes the run did not select, which
      plain dbt would not touch, so an existing incremental ancestor keeps its history (should_full_refresh() reads
      this before flags.FULL_REFRESH). A node configured full_refresh: true keeps it; one the plan builds from
      scratch (an incremental model built under --empty, self_heal_rebuild_set) gets true. -#}
  {%- if name == 'full_refresh' and value is none -%}
    {{ return(context['self_heal__engine_state'].stack[-1].node.unique_id in (context['self_heal__engine_state'].get('from_scratch') or [])) }}
  {%- endif -%}
  {{ return(value) }}
{% endmacro %}

{% macro self_heal_config_require(name, validator=none) %}
  {%- set value = context['self_heal__engine_state'].stack[-1].node.config.get(name, '__self_heal_missing__') -%}
  {%- if value == '__self_heal_missing__' -%}
    {{ exceptions.raise_compiler_error("Model '" ~ context['self_heal__engine_state'].stack[-1].node.unique_id
        ~ "' does not define a required config parameter '" ~ name ~ "'.") }}
  {%- endif -%}
  {{ return(value) }}
{% endmacro %}

{% macro self_heal_config_meta_get(name, default=none, validator=none) %}
  {{ return(context['self_heal__engine_state'].stack[-1].node.config.meta_get(name, default)) }}
{% endmacro %}

{% macro self_heal_config_meta_require(name, validator=none) %}
  {{ return(context['self_heal__engine_state'].stack[-1].node.config.meta_get(name)) }}
{% endmacro %}

{% macro self_heal_config_set(name, value) %}{{ return('') }}{% endmacro %}

{% macro self_heal_config_persist_relation_docs() %}
  {{ return((context['self_heal__engine_state'].stack[-1].node.config.get('persist_docs') or {}).get('relation', false)) }}
{% endmacro %}

{% macro self_heal_config_persist_column_docs() %}
  {{ return((context['self_heal__engine_state'].stack[-1].node.config.get('persist_docs') or {}).get('columns', false)) }}
{% endmacro %}
