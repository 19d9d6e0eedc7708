{#- DDL that builds one model as its materialization would on a first `dbt build`. Returns a list of statements. -#}
{% macro self_heal_model_sql(node) %}
  {{ return(adapter.dispatch('self_heal_model_sql', 'dbt_self_heal')(node)) }}
{% endmacro %}

{% macro default__self_heal_model_sql(node) %}
  {%- set relation = self_heal_relation(node) -%}
  {%- set materialized = node.config.materialized -%}
  {%- set sql = self_heal_render(node) -%}
  {%- set header = node.config.get('sql_header') -%}
  {%- set statements = [header] if header else [] -%}
  {%- if materialized == 'view' -%}
    {%- do statements.append('create view ' ~ relation ~ ' as (\n' ~ sql ~ '\n)') -%}
  {%- elif materialized in ['table', 'incremental'] and (node.config.get('contract') or {}).get('enforced') -%}
    {%- do statements.append(self_heal_contract_table_sql(node, relation)) -%}
    {%- set names = [] -%}
    {%- for column in node.columns.values() -%}{%- do names.append(adapter.quote(column.name)) -%}{%- endfor -%}
    {%- do statements.append('insert into ' ~ relation ~ ' (' ~ names | join(', ') ~ ') (select '
                             ~ names | join(', ') ~ ' from (\n' ~ sql ~ '\n) as model_subq)') -%}
  {%- elif materialized in ['table', 'incremental'] -%}
    {%- do statements.append('create table ' ~ relation ~ ' as (\n' ~ sql ~ '\n)') -%}
  {%- else -%}
    {{ exceptions.raise_compiler_error("self_heal cannot build " ~ node.unique_id ~ " (materialized='"
        ~ materialized ~ "'); build it once with `dbt build --select " ~ node.name ~ "`.") }}
  {%- endif -%}
  {{ return(statements) }}
{% endmacro %}

{#- The typed, constrained empty table of a model with an enforced contract, as dbt creates it. -#}
{% macro self_heal_contract_table_sql(node, relation) %}
  {%- set parts = [] -%}
  {%- for column in node.columns.values() -%}
    {%- set pieces = [adapter.quote(column.name), column.data_type] -%}
    {%- for constraint in column.constraints -%}
      {%- if constraint.type == 'not_null' -%}{%- do pieces.append('not null') -%}
      {%- elif constraint.type == 'unique' -%}{%- do pieces.append('unique') -%}
      {%- elif constraint.type == 'primary_key' -%}{%- do pieces.append('primary key') -%}
      {%- elif constraint.type == 'check' and constraint.expression -%}{%- do pieces.append('check (' ~ constraint.expression ~ ')') -%}
      {%- endif -%}
    {%- endfor -%}
    {%- do parts.append(pieces | join(' ')) -%}
  {%- endfor -%}
  {%- for constraint in node.get('constraints', []) -%}
    {%- set cols = constraint.columns | join(', ') -%}
    {%- if constraint.type == 'primary_key' -%}{%- do parts.append('primary key (' ~ cols ~ ')') -%}
    {%- elif constraint.type == 'unique' -%}{%- do parts.append('unique (' ~ cols ~ ')') -%}
    {%- elif constraint.type == 'check' and constraint.expression -%}{%- do parts.append('check (' ~ constraint.expression ~ ')') -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return('create table ' ~ relation ~ ' (\n  ' ~ parts | join(',\n  ') ~ '\n)') }}
{% endmacro %}
