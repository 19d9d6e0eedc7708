{% macro self_heal_node_context_keys() %}
  {{ return(['model', 'this', 'config', 'ref', 'source', 'var', 'database', 'schema', 'pre_hooks', 'post_hooks',
             'sql', 'compiled_code', 'write', 'defer_relation', 'self_heal_config_call', 'builtins',
             'selected_resources', 'load_agate_table']) }}
{% endmacro %}
