{#- Postgres seeds: the agate table dbt's load_agate_table() reads for a seed (dbt_common agate_helper.from_csv),
    built client-side, since the server cannot read the client's files. The hook's own load_agate_table() is
    bound to the hook node and refuses any other, so the table is built here with dbt's own pieces: agate's
    Table.from_csv (reached through a query result) and the very agate type instances dbt's type tester holds
    (taken from a probe query, self_heal_agate_types). Types are picked as agate's TypeTester picks them: per
    column, the first type in dbt's order that every value casts to; column_types names are read as text. -#}
{% macro postgres__self_heal_one_seed_sql(node) %}
  {%- set path = node.root_path ~ '/' ~ node.original_file_path -%}
  {%- set delimiter = node.config.get('delimiter') or ',' -%}
  {%- set types = dbt_self_heal.self_heal_agate_types() -%}
  {%- set reader = types.reader -%}
  {#- utf-8-sig: a byte order mark dropped, as dbt's from_csv drops it. -#}
  {%- set names = reader.from_csv(path, row_limit=0, encoding='utf-8-sig', delimiter=delimiter).column_names -%}
  {%- set text = reader.from_csv(path, column_types=[types.text] * (names | length), encoding='utf-8-sig',
                                 delimiter=delimiter) -%}
  {%- set declared = node.config.get('column_types') or {} -%}
  {#- A column_types key that names no column (dbt matches them exact-case) types nothing: agate only warns. -#}
  {%- set iso = modules.re.compile('\\d{4}(-?\\d{2}-?\\d{2}|-?W\\d{2}(-?\\d)?|-?\\d{3}|-\\d{2})?T\\d{2}(:?\\d{2}(:?\\d{2})?)?([.,]\\d+)?(Z|[+-]\\d{2}(:?\\d{2})?)?') -%}
  {%- set chosen = [] -%}
  {%- set nullish = [] -%}
  {%- for name in names -%}
    {%- set values = text.columns[loop.index0].values_distinct() -%}
    {%- set present = values | reject('none') | list -%}
    {%- if present | map('trim') | map('lower') | select('in', ['', 'null']) | list -%}{%- do nullish.append(loop.index0) -%}{%- endif -%}
    {%- if name in declared -%}
      {%- do chosen.append(types.text) -%}
    {%- elif not present -%}
      {#- No value at all: dbt's Integer, the first type, accepts only missing cells. -#}
      {%- do chosen.append(types.integer) -%}
    {%- else -%}
      {%- set pick = namespace(type=none) -%}
      {%- for candidate in [types.number, types.date, types.datetime, types.iso, types.boolean] if pick.type is none -%}
        {%- set ns = namespace(ok=true) -%}
        {%- if candidate == 'iso' -%}
          {%- for v in present if ns.ok and v | trim | lower not in ['', 'null'] -%}
            {%- if not iso.fullmatch(v | trim) -%}{%- set ns.ok = false -%}{%- endif -%}
          {%- endfor -%}
          {%- if ns.ok -%}
            {{ return({'sql': none, 'error': "Seed file " ~ node.original_file_path ~ " (seed " ~ node.name ~ "): column "
                ~ name ~ " holds ISO 8601 timestamps with a 'T', which self_heal cannot type as dbt does on Postgres. "
                ~ "Declare its type in the seed's YAML (column_types: {" ~ name ~ ": timestamp}), then rerun."}) }}
          {%- endif -%}
        {%- else -%}
          {%- for v in present if ns.ok -%}
            {%- if not candidate.test(v) -%}{%- set ns.ok = false -%}{%- endif -%}
          {%- endfor -%}
          {%- if ns.ok -%}{%- set pick.type = candidate -%}{%- endif -%}
        {%- endif -%}
      {%- endfor -%}
      {%- do chosen.append(pick.type if pick.type is not none else types.text) -%}
    {%- endif -%}
  {%- endfor -%}
  {#- dbt's text columns read '' and 'null' (any case) as missing; the probe's text type keeps them, so those
      values are turned into nulls here before agate casts the rest. -#}
  {%- set text_nullish = [] -%}
  {%- for i in nullish if chosen[i] is sameas types.text -%}{%- do text_nullish.append(i) -%}{%- endfor -%}
  {%- if not text_nullish or (text.rows | length) == 0 -%}
    {%- set table = reader.from_csv(path, column_types=chosen, encoding='utf-8-sig', delimiter=delimiter) -%}
  {%- else -%}
    {%- set rows = [] -%}
    {%- for row in text.rows -%}
      {%- set values = {} -%}
      {%- for name in names -%}
        {%- set v = row[loop.index0] -%}
        {%- do values.update({name: none if loop.index0 in text_nullish and v is not none
                                           and v | trim | lower in ['', 'null'] else v}) -%}
      {%- endfor -%}
      {%- do rows.append(values) -%}
    {%- endfor -%}
    {%- set table = reader.from_object(rows, column_types=chosen) -%}
  {%- endif -%}
  {#- The columns as dbt's create_csv_table creates them: column_types over agate's types. -#}
  {%- set columns = [] -%}
  {%- for name in table.column_names -%}
    {%- do columns.append((name, declared.get(name) or adapter.convert_type(table, loop.index0))) -%}
  {%- endfor -%}
  {#- dbt 1.12's `--empty` loads a seed with no rows (its load_agate_table takes none of the file's). -#}
  {{ return({'sql': none, 'agate_table': table.limit(0) if flags.EMPTY and dbt_self_heal.self_heal_dbt_minor() >= 1012 else table,
             'error': none, 'columns': columns}) }}
{% endmacro %}

{#- The agate types of dbt's type tester (dbt_common agate_helper.build_type_tester), taken from a query result,
    whose columns dbt types with that tester: an int column gets its Integer, a numeric its Number, a date its Date
    ('%Y-%m-%d'), a timestamp its DateTime ('%Y-%m-%d %H:%M:%S'), a boolean its Boolean. Its ISODateTime cannot be
    reached this way ('iso' marks where it would be tested). The result table also lends its from_csv. -#}
{% macro self_heal_agate_types() %}
  {%- set engine = dbt_self_heal.self_heal_engine() -%}
  {%- if 'agate_types' not in engine -%}
    {%- set probe = run_query("select 1 as i, cast(1.5 as numeric) as n, cast('2024-01-01' as date) as d, "
                              ~ "cast('2024-01-01 00:00:00' as timestamp) as t, true as b, 'x' as s") -%}
    {%- set integer, number, date, datetime, boolean, text = probe.column_types -%}
    {%- do engine.update({'agate_types': {'reader': probe, 'integer': integer, 'number': number, 'date': date,
                                          'datetime': datetime, 'iso': 'iso', 'boolean': boolean, 'text': text}}) -%}
  {%- endif -%}
  {{ return(engine.agate_types) }}
{% endmacro %}
