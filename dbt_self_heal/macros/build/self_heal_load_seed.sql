{#- Load one seed with its SQL, inside the seed's own context when it has hooks or docs to persist, in the order of
    dbt's seed materialization: pre-hooks, create and load, persist_docs, post-hooks (after_commit ones after the
    heal's commit). -#}
{% macro self_heal_load_seed(node, statements) %}
  {%- set relation = dbt_self_heal.self_heal_relation(node) -%}
  {%- set docs = node.config.get('persist_docs') or {} -%}
  {%- set dressed = node.config.pre_hook or node.config.post_hook or docs.get('relation') or docs.get('columns') -%}
  {%- if dressed -%}
    {%- do dbt_self_heal.self_heal_enter_node(node) -%}
    {#- This macro's own names were bound when it was called: the node's values are read from the live context. -#}
    {%- do run_hooks(context['pre_hooks'], inside_transaction=false) -%}
    {%- do run_hooks(context['pre_hooks'], inside_transaction=true) -%}
  {%- endif -%}
  {%- if statements -%}{%- do run_query(statements | join(';\n')) -%}{%- endif -%}{#- the table and its load: one round trip -#}
  {%- do adapter.cache_added(relation) -%}
  {%- if dressed -%}
    {%- do persist_docs(relation, context['model']) -%}
    {%- do run_hooks(context['post_hooks'], inside_transaction=true) -%}
    {%- do dbt_self_heal.self_heal_leave_node() -%}
  {%- endif -%}
{% endmacro %}
