{#- self_heal_transaction_scoped, called as adapter.dispatch('self_heal_transaction_scoped', 'dbt_self_heal'):
    What a planned model's SQL header, hooks or code set for the length of a transaction, which dbt ends at the
    node's commit but which would outlive it in the heal's one transaction and reach the nodes built after it
    (PostgreSQL: `set local <name>`, a `create temp table ... on commit drop`). Returns {unique_id: {'settings':
    [names], 'temp_tables': [names]}} for the models that have any; the heal puts those settings back and drops
    those tables after the node (self_heal_scope_save, self_heal_scope_restore), as dbt's commit would. Read from
    the text as written: a macro that issues them itself is not seen. DuckDB has neither. -#}
{% macro default__self_heal_transaction_scoped(node_ids) %}{{ return({}) }}{% endmacro %}

{% macro postgres__self_heal_transaction_scoped(node_ids) %}
  {%- set settings = modules.re.compile('\\bset\\s+local\\s+("[^"]+"|[\\w.]+)', modules.re.I) -%}
  {%- set temps = modules.re.compile('\\bcreate\\s+((global|local)\\s+)?temp(orary)?\\s+table\\s+(if\\s+not\\s+exists\\s+)?'
        ~ '((pg_temp\\s*\\.\\s*)?("[^"]+"|\\w+))[^;]*?\\bon\\s+commit\\s+drop\\b', modules.re.I + modules.re.S) -%}
  {%- set scoped = {} -%}
  {%- for uid in node_ids -%}
    {%- set node = graph.nodes[uid] -%}
    {%- set text = [node.raw_code or '', node.config.get('sql_header') or ''] -%}
    {%- for hook in (node.config.get('pre-hook') or []) + (node.config.get('post-hook') or []) -%}
      {%- do text.append(hook.sql) -%}
    {%- endfor -%}
    {%- set text = text | join('\n') -%}
    {%- if 'local' in text | lower or 'commit' in text | lower -%}
      {%- set names = [] -%}
      {%- for match in settings.finditer(text) if match.group(1) not in names -%}{%- do names.append(match.group(1)) -%}{%- endfor -%}
      {%- set tables = [] -%}
      {%- for match in temps.finditer(text) if match.group(5) not in tables -%}{%- do tables.append(match.group(5)) -%}{%- endfor -%}
      {%- if names or tables -%}{%- do scoped.update({uid: {'settings': names, 'temp_tables': tables}}) -%}{%- endif -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(scoped) }}
{% endmacro %}

{#- Before such a node is built: the values its `set local` names have now (the session's: nothing before it in the
    heal left one behind). -#}
{% macro self_heal_scope_save(scope) %}
  {%- if not scope.settings -%}{{ return([]) }}{%- endif -%}
  {%- set reads = [] -%}
  {%- for name in scope.settings -%}
    {%- do reads.append("pg_catalog.current_setting(" ~ dbt_self_heal.self_heal_sql_string(name | replace('"', '')) ~ ", true)") -%}
  {%- endfor -%}
  {{ return(run_query("select " ~ reads | join(', ')).rows[0] | list) }}
{% endmacro %}

{#- After it is built: those settings back as they were and its on-commit-drop temp tables dropped, as dbt's commit
    of the node leaves them for the next one. -#}
{% macro self_heal_scope_restore(scope, saved) %}
  {%- set statements = [] -%}
  {%- for name, value in zip(scope.settings, saved) if value is not none -%}
    {%- do statements.append("select pg_catalog.set_config(" ~ dbt_self_heal.self_heal_sql_string(name | replace('"', ''))
                             ~ ", " ~ dbt_self_heal.self_heal_sql_string(value) ~ ", true)") -%}
  {%- endfor -%}
  {%- for table in scope.temp_tables -%}
    {%- do statements.append("drop table if exists " ~ ("" if (table | lower).startswith('pg_temp') else "pg_temp.") ~ table) -%}
  {%- endfor -%}
  {%- if statements -%}{%- do run_query(statements | join(';\n')) -%}{%- endif -%}
{% endmacro %}
