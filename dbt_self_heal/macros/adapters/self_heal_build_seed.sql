{#- self_heal_build_seed, called as adapter.dispatch('self_heal_build_seed', 'dbt_self_heal'):
    Build one planned seed. `seed`: what self_heal_seed_sql prepared for it; `existing`: its relation as it is now,
    or none when it is missing. -#}
{#- A stale seed is reloaded from scratch, so a changed column set needs no --full-refresh. -#}
{% macro default__self_heal_build_seed(node, seed, existing) %}
  {%- if existing is not none -%}{%- do adapter.drop_relation(existing) -%}{%- endif -%}
  {%- do dbt_self_heal.self_heal_load_seed(node, seed.sql) -%}
{% endmacro %}

{#- dbt's own seed materialization, in the seed's context, fed the agate table. An existing table whose columns
    stay as they are is truncated and loaded again, as `dbt seed` does, so views built on it keep working; one whose
    columns change (or a view in its place) is dropped first, so a changed column set needs no --full-refresh (the
    views that go with it are created again afterwards: self_heal_dependants). -#}
{% macro postgres__self_heal_build_seed(node, seed, existing) %}
  {%- if existing is not none and (existing.type != 'table'
                                   or dbt_self_heal.self_heal_seed_reshaped(node, seed.agate_table, existing)) -%}
    {%- do adapter.drop_relation(existing) -%}
  {%- endif -%}
  {%- do dbt_self_heal.self_heal_materialize(node, none, seed.agate_table) -%}
{% endmacro %}

{#- Whether the table dbt's seed materialization would create (create_csv_table: agate's types through
    adapter.convert_type, column_types over them, quote_columns) differs from the existing one in its columns, as
    Postgres spells them (a scratch table in pg_temp, dropped with the transaction). -#}
{% macro self_heal_seed_reshaped(node, agate_table, existing) %}
  {%- set override = node.config.get('column_types') or {} -%}
  {%- set columns = [] -%}
  {%- for name in agate_table.column_names -%}
    {%- do columns.append(adapter.quote_seed_column(name | string, node.config.get('quote_columns'))
        ~ " " ~ override.get(name, adapter.convert_type(agate_table, loop.index0))) -%}
  {%- endfor -%}
  {%- set shape = "(select coalesce(string_agg(quote_ident(attname) || ' ' || format_type(atttypid, atttypmod), ', ' "
      ~ "order by attnum), '') from pg_catalog.pg_attribute where attrelid = {} and attnum > 0 and not attisdropped)" -%}
  {%- set rows = run_query("drop table if exists pg_temp.self_heal_seed_shape;\n"
      ~ "create temporary table self_heal_seed_shape (" ~ columns | join(', ') ~ ") on commit drop;\n"
      ~ "select " ~ shape.format("'pg_temp.self_heal_seed_shape'::regclass") ~ " = "
      ~ shape.format(dbt_self_heal.self_heal_sql_string(existing.render()) ~ "::regclass")).rows -%}
  {{ return(not rows[0][0]) }}
{% endmacro %}
