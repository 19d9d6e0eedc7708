{#- What loads seeds exactly as `dbt seed` does. DuckDB: a typed table, then COPY from the CSV ({'sql': [...]}).
    Postgres: dbt's own seed materialization, fed the agate table dbt's load_agate_table() would read
    ({'sql': none, 'agate_table': ...}). Either way {'error': message} when the seed cannot be loaded, and
    'columns': [(name, type)] as the table will be created. self_heal_seeds_sql prepares several at once:
    {unique_id: that}, in the order given; on DuckDB in three round trips whatever their number (headers, the types
    of columns without column_types, then every seed's lines read with their types). -#}
{% macro self_heal_seed_sql(node) %}
  {{ return(adapter.dispatch('self_heal_seeds_sql', 'dbt_self_heal')([node])[node.unique_id]) }}
{% endmacro %}

{% macro self_heal_seeds_sql(nodes) %}
  {{ return(adapter.dispatch('self_heal_seeds_sql', 'dbt_self_heal')(nodes)) }}
{% endmacro %}

{#- One seed at a time (Postgres reads each CSV client-side: postgres__self_heal_one_seed_sql). -#}
{% macro default__self_heal_seeds_sql(nodes) %}
  {%- set seeds = {} -%}
  {%- for node in nodes -%}
    {%- do seeds.update({node.unique_id: adapter.dispatch('self_heal_one_seed_sql', 'dbt_self_heal')(node)}) -%}
  {%- endfor -%}
  {{ return(seeds) }}
{% endmacro %}

{% macro default__self_heal_one_seed_sql(node) %}
  {{ exceptions.raise_compiler_error(dbt_self_heal.self_heal_unsupported_adapter()) }}
{% endmacro %}

{% macro duckdb__self_heal_seeds_sql(nodes) %}
  {%- set headers = dbt_self_heal.self_heal_seed_headers(nodes) -%}
  {%- set seeds = {} -%}
  {%- set ready = [] -%}
  {%- for node in nodes -%}
    {%- set path = node.root_path ~ '/' ~ node.original_file_path -%}
    {%- set delimiter = node.config.get('delimiter') or ',' -%}
    {%- set file = dbt_self_heal.self_heal_seed_file(headers.get(path) or run_query(dbt_self_heal.self_heal_seed_file_sql(
          dbt_self_heal.self_heal_sql_string(path))).rows[0], delimiter) -%}
    {#- A blank name or a name given twice is named as agate names it (dbt seed loads `x,y,` as x, y, c). -#}
    {%- set header = dbt_self_heal.self_heal_agate_names(file.header)
          if ('' in file.header or file.header | unique | list | length < file.header | length)
             and file.header | join('') | trim else file.header -%}
    {%- set lowered = header | map('lower') | list -%}
    {#- A loadable header (most are) is told in one test; what is wrong with another, in a macro of its own. -#}
    {%- set error = none if file.size and header | join('') | trim and lowered | unique | list | length == lowered | length
          and '"' not in header | join('') and node.config.get('fast', true)
          else dbt_self_heal.self_heal_seed_header_error(node, file, lowered) -%}
    {%- if error -%}
      {%- do seeds.update({node.unique_id: {'sql': [], 'error': error}}) -%}
    {%- else -%}
      {#- dbt looks column_types up by the exact header name (a key `id` does not type a column `ID`). -#}
      {%- set declared = node.config.get('column_types') or {} -%}
      {%- do ready.append({'i': ready | length, 'node': node, 'path': path, 'delimiter': delimiter,
                           'csv_options': "header=true, delim='" ~ delimiter | replace("'", "''") ~ "'",
                           'header': header, 'declared': declared, 'untyped': header | reject('in', declared) | list}) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set inferred = dbt_self_heal.self_heal_infer_seed_types(ready) if ready | selectattr('untyped') | first is defined else {} -%}
  {#- dbt 1.12's `--empty` types the seed from no rows: a number column's precision is then 0, so INTEGER. -#}
  {%- set no_rows = flags.EMPTY and dbt_self_heal.self_heal_dbt_minor() >= 1012 -%}
  {%- for seed in ready -%}
    {%- set columns = [] -%}
    {%- for name in seed.header -%}
      {%- set type = seed.declared.get(name) or inferred[seed.i][name] -%}
      {%- do columns.append((name, 'integer' if no_rows and type == 'double' and name not in seed.declared else type)) -%}
    {%- endfor -%}
    {%- do seed.update({'columns': columns}) -%}
  {%- endfor -%}
  {%- set rejected = dbt_self_heal.self_heal_seed_rejects(ready) if not no_rows else {} -%}
  {%- for seed in ready -%}
    {%- set node = seed.node -%}
    {%- if seed.i in rejected -%}
      {%- do seeds.update({node.unique_id: {'sql': [], 'error': "Seed file " ~ node.original_file_path ~ " (seed "
          ~ node.name ~ ") is malformed: " ~ rejected[seed.i] ~ ". Fix that line (or the seed's column_types in its "
          ~ "YAML), then rerun."}}) -%}
    {%- else -%}
      {%- set relation = dbt_self_heal.self_heal_relation(node) -%}
      {#- As dbt's adapter.quote_seed_column: quoted unless the seed sets quote_columns: false (then a name DuckDB
          cannot take unquoted fails, as `dbt seed` fails). -#}
      {%- set quote = node.config.get('quote_columns') is not sameas false -%}
      {%- set ddl -%}
        create table {{ relation }} (
          {%- for name, type in seed.columns %}
          {{ adapter.quote(name) if quote else name }} {{ type }}{{ ',' if not loop.last }}
          {%- endfor %}
        )
      {%- endset -%}
      {%- set load = "copy " ~ relation ~ " from '" ~ seed.path | replace("'", "''")
                     ~ "' (format csv, header true, delimiter '" ~ seed.delimiter | replace("'", "''") ~ "')" -%}
      {#- dbt 1.12's `--empty` loads a seed with no rows (its load_agate_table takes none of the file's). -#}
      {%- do seeds.update({node.unique_id: {'sql': [ddl] if no_rows else [ddl, load], 'error': none,
                                            'columns': seed.columns}}) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set ordered = {} -%}
  {%- for node in nodes -%}{%- do ordered.update({node.unique_id: seeds[node.unique_id]}) -%}{%- endfor -%}
  {{ return(ordered) }}
{% endmacro %}

{#- The size and first line of every given seed's CSV, in one round trip: {path: [size, first line]}. -#}
{% macro self_heal_seed_headers(nodes) %}
  {%- set paths = [] -%}
  {%- for node in nodes -%}{%- do paths.append("'" ~ (node.root_path ~ '/' ~ node.original_file_path) | replace("'", "''") ~ "'") -%}{%- endfor -%}
  {%- set headers = {} -%}
  {%- if paths -%}
    {%- for row in run_query(dbt_self_heal.self_heal_seed_file_sql('[' ~ paths | join(', ') ~ ']', 'filename, ')) -%}
      {%- do headers.update({row[0]: [row[1], row[2]]}) -%}
    {%- endfor -%}
  {%- endif -%}
  {{ return(headers) }}
{% endmacro %}

{#- Types for columns without column_types, as dbt's agate type tester (dbt_common agate_helper) and dbt-duckdb's
    convert_type give them. agate keeps, per column, the first type in its order that EVERY value casts to:
    numbers (after agate's clean-up: '%' and currency symbols stripped, ',' group separators removed, so '$5',
    '1,000' and 'nan' are numbers, which dbt then fails to load into INTEGER: the seed is refused, as `dbt seed`
    fails) -> DOUBLE when any value is not whole (agate normalizes, so 1.0 and 1e5 are whole) else INTEGER;
    Python's strptime '%Y-%m-%d' (a four-digit year) -> DATE; '%Y-%m-%d %H:%M:%S' -> TIMESTAMP; else all ISO 8601
    with a 'T' (isodate) -> TIMESTAMP; true/false in any case -> BOOLEAN; anything else (e.g. '2024/01/15', '24-01-05',
    a column mixing the two timestamp forms) -> VARCHAR. Values are trimmed; '' and 'null' in any case are nulls; a
    column with no values at all is INTEGER. One statement for all `seeds` (as self_heal_seeds_sql keeps them):
    {index: {column: type}}. -#}
{% macro self_heal_infer_seed_types(seeds) %}
  {%- set currency = "'؋$ƒ៛¥₡₱£€¢﷼₪₩₭₮₦฿₤₫'" -%}
  {%- set iso = "'\\d{4}(-?\\d{2}-?\\d{2}|-?W\\d{2}(-?\\d)?|-?\\d{3}|-\\d{2})?T\\d{2}(:?\\d{2}(:?\\d{2})?)?([.,]\\d+)?(Z|[+-]\\d{2}(:?\\d{2})?)?'" -%}
  {#- One CASE over the seed's values unpivoted (one row per column and value), grouped by column: a CASE per column
      in one SELECT made DuckDB's planning grow with the square of the width (400 columns took 20 s). A column whose
      every value is empty is absent from the unpivot (it drops NULLs) and typed integer below, as count(v) = 0 is. -#}
  {%- set v = "(case when lower(trim(self_heal_value)) in ('', 'null') then null else trim(self_heal_value) end)" -%}
  {%- set d = "try_cast(replace(trim(regexp_replace(trim(" ~ v ~ ", '%'), '^-', ''), " ~ currency ~ "), ',', '') as double)" -%}
  {%- set case -%}
      case
        when count({{ v }}) = 0 then 'integer'
        when bool_and({{ v }} is null or {{ d }} is not null)
          then case when bool_or(isfinite({{ d }}) and {{ d }} <> trunc({{ d }})) then 'double' else 'integer' end
        when bool_and({{ v }} is null or (regexp_full_match({{ v }}, '\d{4}-\d{1,2}-\d{1,2}')
                                         and try_strptime({{ v }}, '%Y-%m-%d') is not null)) then 'date'
        when bool_and({{ v }} is null or (regexp_full_match({{ v }}, '\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{1,2}:\d{1,2}')
                                         and try_strptime({{ v }}, '%Y-%m-%d %H:%M:%S') is not null)) then 'timestamp'
        when bool_and({{ v }} is null or regexp_full_match({{ v }}, {{ iso }})) then 'timestamp'
        when bool_and({{ v }} is null or lower(replace({{ v }}, ',', '')) in ('true', 'false')) then 'boolean'
        else 'varchar'
      end
  {%- endset -%}
  {%- set selects = [] -%}
  {%- for seed in seeds if seed.untyped -%}
    {%- set untyped = seed.untyped | map('string') | map('replace', '"', '""') | list -%}
    {%- do selects.append("select " ~ seed.i ~ " as seed, self_heal_column, " ~ case ~ " as type\n"
        ~ "from (unpivot (select \"" ~ untyped | join('", "') ~ "\" from read_csv(" ~ dbt_self_heal.self_heal_sql_string(seed.path)
        ~ ", " ~ seed.csv_options ~ ", " ~ dbt_self_heal.self_heal_varchar_columns(seed.header)
        ~ ", auto_detect=false, quote='\"', escape='\"', ignore_errors=true))\n"
        ~ "on \"" ~ untyped | join('", "') ~ "\" into name self_heal_column value self_heal_value)\ngroup by self_heal_column") -%}
  {%- endfor -%}
  {%- set types = {} -%}
  {%- for seed in seeds if seed.untyped -%}
    {%- set found = {} -%}
    {%- for name in seed.untyped -%}{%- do found.update({name: 'integer'}) -%}{%- endfor -%}
    {%- do types.update({seed.i: found}) -%}
  {%- endfor -%}
  {%- if selects -%}
    {%- for row in run_query(selects | join('\nunion all\n')) -%}
      {%- do types[row[0] | int].update({row[1]: row[2]}) -%}
    {%- endfor -%}
  {%- endif -%}
  {{ return(types) }}
{% endmacro %}

{#- For each of `seeds` (as self_heal_seeds_sql keeps them), the first line of its CSV that cannot be read with its
    column types, else the first value a column type cannot hold (the COPY would fail on either), as "line n: ...":
    {index: problem}, only for seeds that have one. One round trip for all: each seed's previous reject tables go,
    its typed scan fills new ones, and the last statement reads the first problem of each. DuckDB keeps reject tables
    in the connection's temp catalog; every name is qualified with it, as an unqualified drop would fall through to a
    project's own relation of that name. The cast scans skip unreadable lines (ignore_errors): one counts only when
    its typed scan rejected none, and then it skips none. -#}
{% macro self_heal_seed_rejects(seeds) %}
  {%- if not seeds -%}{{ return({}) }}{%- endif -%}
  {%- set statements = [] -%}
  {%- set selects = [] -%}
  {%- for seed in seeds -%}
    {%- set spec = [] -%}
    {%- set checks = [] -%}
    {%- set names = [] -%}
    {%- for name, type in seed.columns -%}
      {#- self_heal_sql_string, inline (once per column of every seed). -#}
      {%- do spec.append("'" ~ name | replace("'", "''") ~ "': '" ~ type | replace("'", "''") ~ "'") -%}
      {%- do names.append(name) -%}
      {%- if type | lower not in ['varchar', 'text', 'string'] -%}
        {%- set v = adapter.quote(name) -%}
        {%- do checks.append("when " ~ v ~ " <> '' and try_cast(" ~ v ~ " as " ~ type ~ ") is null then "
            ~ "'" ~ (name ~ "|" ~ type) | replace("'", "''") ~ "' || '|' || " ~ v) -%}
      {%- endif -%}
    {%- endfor -%}
    {%- set file = dbt_self_heal.self_heal_sql_string(seed.path) -%}
    {%- set rejects, scan = 'self_heal_rejects_' ~ seed.i, 'self_heal_rejects_scan_' ~ seed.i -%}
    {%- do statements.append("drop table if exists temp." ~ rejects ~ "; drop table if exists temp." ~ scan ~ ";\n"
        ~ "select count(*) from read_csv(" ~ file ~ ", " ~ seed.csv_options ~ ", columns={" ~ spec | join(', ')
        ~ "}, auto_detect=false, quote='\"', escape='\"', store_rejects=true, rejects_table='" ~ rejects
        ~ "', rejects_scan='" ~ scan ~ "')") -%}
    {%- do selects.append("select " ~ seed.i ~ " as seed, 0 as cast_error, line, error_message as problem from temp." ~ rejects) -%}
    {%- if checks -%}
      {%- do selects.append("select " ~ seed.i ~ ", 1, line, problem from (select row_number() over () + 1 as line, case "
          ~ checks | join(' ') ~ " end as problem from read_csv(" ~ file ~ ", " ~ seed.csv_options ~ ", "
          ~ dbt_self_heal.self_heal_varchar_columns(names) ~ ", auto_detect=false, quote='\"', escape='\"', "
          ~ "ignore_errors=true)) where problem is not null") -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set rows = run_query(statements | join(';\n') ~ ";\nselect seed, cast_error, line, problem from (\n"
        ~ selects | join('\nunion all\n')
        ~ "\n) qualify row_number() over (partition by seed order by cast_error, line) = 1").rows -%}
  {%- set problems = {} -%}
  {%- for row in rows -%}
    {%- if not row[1] -%}
      {%- do problems.update({row[0] | int: "line " ~ row[2] ~ ": " ~ row[3]}) -%}
    {%- else -%}
      {%- set column, type, value = row[3].split('|', 2) -%}
      {%- do problems.update({row[0] | int: "line " ~ row[2] ~ ": column " ~ column ~ " (" ~ type
          ~ ") cannot hold the value \"" ~ value ~ "\""}) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(problems) }}
{% endmacro %}

{#- The CSV's size and column names from its first line (`row`: [size, first line] as self_heal_seed_file_sql reads
    them), read without DuckDB's dialect sniffer (which fails on ragged files)
    and split as Python's csv reader (agate) splits it: a field that starts with '"' is quoted ('""' inside is a
    quote, the delimiter inside is text); surrounding spaces stay (`id, name` has a column " name"); a UTF-8 byte
    order mark is dropped, as dbt's seed reader drops it. -#}
{% macro self_heal_seed_file(row, delimiter) %}
  {%- set first = row[1] -%}
  {{ return({'size': row[0], 'header': first.split(delimiter) if '"' not in first
                                    else dbt_self_heal.self_heal_split_quoted(first, delimiter)}) }}
{% endmacro %}

{#- Column names as agate gives them to `dbt seed`: a blank one is named by its position (a, b, ... z, aa, bb, ...),
    a repeated one gets `_2`, `_3`, ... (self_heal_seeds_sql). -#}
{% macro self_heal_agate_names(header) %}
  {%- set letters = 'abcdefghijklmnopqrstuvwxyz' -%}
  {%- set names = [] -%}
  {%- for name in header -%}
    {%- set given = name if name else letters[loop.index0 % 26] * (loop.index0 // 26 + 1) -%}
    {%- set ns = namespace(final=given, count=0) -%}
    {%- for _ in header if ns.final in names -%}
      {%- set ns.count = ns.count + 1 -%}
      {%- set ns.final = given ~ '_' ~ (ns.count + 1) -%}
    {%- endfor -%}
    {%- do names.append(ns.final) -%}
  {%- endfor -%}
  {{ return(names) }}
{% endmacro %}

{#- A header line with quoted fields, split as Python's csv reader splits it (self_heal_seed_file). -#}
{% macro self_heal_split_quoted(first, delimiter) %}
  {%- set ns = namespace(field='', quoted=false, closed=false, names=[]) -%}
  {%- for ch in first -%}
    {%- if ns.quoted -%}
      {%- if ch == '"' -%}{%- set ns.quoted = false -%}{%- set ns.closed = true -%}
      {%- else -%}{%- set ns.field = ns.field ~ ch -%}{%- endif -%}
    {%- elif ch == delimiter -%}
      {%- do ns.names.append(ns.field) -%}{%- set ns.field = '' -%}{%- set ns.closed = false -%}
    {%- elif ch == '"' and ns.closed -%}
      {%- set ns.field = ns.field ~ '"' -%}{%- set ns.quoted = true -%}{%- set ns.closed = false -%}
    {%- elif ch == '"' and ns.field == '' -%}
      {%- set ns.quoted = true -%}
    {%- else -%}
      {%- set ns.field = ns.field ~ ch -%}{%- set ns.closed = false -%}
    {%- endif -%}
  {%- endfor -%}
  {%- do ns.names.append(ns.field) -%}
  {{ return(ns.names) }}
{% endmacro %}

{#- Reads the size and the first line (no carriage return, no byte order mark) of the CSV file(s) `files` names. -#}
{% macro self_heal_seed_file_sql(files, columns='') %}
  {{ return("select " ~ columns ~ "size, ltrim(split_part(replace(content, chr(13), ''), chr(10), 1), chr(65279)) "
            ~ "from read_text(" ~ files ~ ")") }}
{% endmacro %}

{% macro self_heal_varchar_columns(names) %}
  {{ return("columns={'" ~ names | map('string') | map('replace', "'", "''") | join("': 'varchar', '") ~ "': 'varchar'}") }}
{% endmacro %}

{#- Why a seed's file cannot be loaded as `dbt seed` loads it (empty, no or repeated column names, a double quote in
    one, `fast: false`), as the refusal says it, or none (self_heal_seeds_sql). -#}
{% macro self_heal_seed_header_error(node, file, lowered) %}
  {%- set header = file.header -%}
  {%- if file.size == 0 -%}
    {{ return("Seed file " ~ node.original_file_path ~ " (seed " ~ node.name ~ ") is empty. Restore it (e.g. `git checkout -- "
        ~ node.original_file_path ~ "`) or add its header and rows, then rerun.") }}
  {%- endif -%}
  {%- set quoted = [] -%}
  {%- for name in header if '"' in name -%}{%- do quoted.append(name) -%}{%- endfor -%}
  {%- set problem = "its first line has no column names" if header | join('') | trim == ''
        else "its header repeats a column name (" ~ header | join(', ') ~ "; DuckDB column names ignore case)"
             if lowered | unique | list | length < lowered | length
        else "a column name in its header holds a double quote (" ~ quoted | join(', ')
             ~ "), which `dbt seed` cannot load either (dbt-duckdb quotes column names without escaping them); "
             ~ "rename the column" if quoted
        else "it is configured `fast: false` (dbt-duckdb then loads it row by row through agate, which the heal "
             ~ "does not reproduce); run `dbt seed --select " ~ node.name ~ "` once"
             if not node.config.get('fast', true)
        else none -%}
  {{ return("Seed file " ~ node.original_file_path ~ " (seed " ~ node.name ~ ") cannot be loaded: " ~ problem
      ~ ". Fix it, then rerun." if problem else none) }}
{% endmacro %}
