{% macro self_heal_current_node() %}
  {{ return(context['self_heal__engine_state'].stack[-1].node) }}
{% endmacro %}
