{#- How an existing relation's columns (names and types, in order) differ from what its node builds now, in words;
    none when they are the same. What the node builds: the columns of its compiled SQL run with no rows; for a seed,
    the typed columns the loader would create; for an enforced contract, the contract's columns. A seed whose file
    cannot be loaded is not compared (plain dbt would not touch it either): none. -#}
{% macro self_heal_column_difference(node, check, compiled_sql=none) %}
  {%- set contract = node.config.get('contract') or {} -%}
  {%- set typed = [] -%}
  {%- if node.resource_type == 'seed' -%}
    {%- set seed = dbt_self_heal.self_heal_seed_sql(node) -%}
    {%- if seed.error -%}{{ return(none) }}{%- endif -%}
    {%- set typed = seed.columns -%}
  {%- elif contract.get('enforced') -%}
    {%- for column in node.columns.values() -%}
      {%- do typed.append((column.name, column.data_type)) -%}
    {%- endfor -%}
  {%- endif -%}
  {%- if typed -%}
    {%- set casts = [] -%}
    {%- for name, type in typed -%}{%- do casts.append("cast(null as " ~ type ~ ") as " ~ adapter.quote(name)) -%}{%- endfor -%}
    {%- set sql = "select " ~ casts | join(', ') -%}
  {%- else -%}
    {%- set sql = compiled_sql or dbt_self_heal.self_heal_compile(dbt_self_heal.self_heal_engine().manifest.nodes[node.unique_id]).sql -%}
  {%- endif -%}
  {%- set expected = dbt_self_heal.self_heal_query_columns(sql) -%}
  {%- set existing = dbt_self_heal.self_heal_query_columns("select * from " ~ dbt_self_heal.self_heal_existing_relation(node, check)) -%}
  {%- if expected == existing -%}{{ return(none) }}{%- endif -%}
  {%- set described = [] -%}
  {%- for columns in [existing, expected] -%}
    {%- set words = [] -%}
    {%- for name, type in columns -%}{%- do words.append(name ~ " " ~ type) -%}{%- endfor -%}
    {%- do described.append(words | join(', ')) -%}
  {%- endfor -%}
  {{ return("its columns (" ~ described[0] ~ ") are not what " ~ node.name ~ " builds now (" ~ described[1] ~ ")") }}
{% endmacro %}
