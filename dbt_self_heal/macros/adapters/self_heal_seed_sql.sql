{#- What loads one seed exactly as `dbt seed` does. DuckDB: a typed table, then COPY from the CSV ({'sql': [...]}).
    Postgres: dbt's own seed materialization, fed the agate table dbt's load_agate_table() would read
    ({'sql': none, 'agate_table': ...}). Either way {'error': message} when the seed cannot be loaded, and
    'columns': [(name, type)] as the table will be created. `file`: what self_heal_seed_files read of its CSV
    (none: read it here). -#}
{% macro self_heal_seed_sql(node, file=none) %}
  {{ return(adapter.dispatch('self_heal_seed_sql', 'dbt_self_heal')(node, file)) }}
{% endmacro %}

{% macro default__self_heal_seed_sql(node, file=none) %}
  {{ exceptions.raise_compiler_error(dbt_self_heal.self_heal_unsupported_adapter()) }}
{% endmacro %}

{#- The size and first line of every given seed's CSV, read in one round trip before the seeds are checked one by
    one: {path: [size, first line]}. Adapters that read seed files client-side read nothing here. -#}
{% macro self_heal_seed_files(nodes) %}
  {{ return(adapter.dispatch('self_heal_seed_files', 'dbt_self_heal')(nodes)) }}
{% endmacro %}

{% macro default__self_heal_seed_files(nodes) %}
  {{ return({}) }}
{% endmacro %}

{% macro duckdb__self_heal_seed_files(nodes) %}
  {%- set paths = [] -%}
  {%- for node in nodes -%}{%- do paths.append(dbt_self_heal.self_heal_sql_string(node.root_path ~ '/' ~ node.original_file_path)) -%}{%- endfor -%}
  {%- if not paths -%}{{ return({}) }}{%- endif -%}
  {%- set files = {} -%}
  {%- for row in run_query(dbt_self_heal.self_heal_seed_file_sql('[' ~ paths | join(', ') ~ ']', 'filename, ')) -%}
    {%- do files.update({row[0]: [row[1], row[2]]}) -%}
  {%- endfor -%}
  {{ return(files) }}
{% endmacro %}

{% macro duckdb__self_heal_seed_sql(node, file=none) %}
  {%- set path = node.root_path ~ '/' ~ node.original_file_path -%}
  {%- set delimiter = node.config.get('delimiter') or ',' -%}
  {%- set csv_options = "header=true, delim=" ~ dbt_self_heal.self_heal_sql_string(delimiter) -%}
  {%- set file = dbt_self_heal.self_heal_seed_file(path, delimiter, file) -%}
  {%- if file.size == 0 -%}
    {{ return({'sql': [], 'error': "Seed file " ~ node.original_file_path ~ " (seed " ~ node.name ~ ") is empty. "
        ~ "Restore it (e.g. `git checkout -- " ~ node.original_file_path ~ "`) or add its header and rows, then rerun."}) }}
  {%- endif -%}
  {%- set header = file.header -%}
  {%- set lowered = header | map('lower') | list -%}
  {%- set quoted = [] -%}
  {%- for name in header if '"' in name -%}{%- do quoted.append(name) -%}{%- endfor -%}
  {%- set problem = "its first line has no column names" if header | join('') | trim == ''
        else "its header repeats a column name (" ~ header | join(', ') ~ "; DuckDB column names ignore case)"
             if lowered | unique | list | length < lowered | length
        else "a column name in its header holds a double quote (" ~ quoted | join(', ')
             ~ "), which `dbt seed` cannot load either (dbt-duckdb quotes column names without escaping them); "
             ~ "rename the column" if quoted
        else "it is configured `fast: false` (dbt-duckdb then loads it row by row through agate, which the heal does "
             ~ "not reproduce); run `dbt seed --select " ~ node.name ~ "` once"
             if not node.config.get('fast', true)
        else none -%}
  {%- if problem -%}
    {{ return({'sql': [], 'error': "Seed file " ~ node.original_file_path ~ " (seed " ~ node.name ~ ") cannot be "
        ~ "loaded: " ~ problem ~ ". Fix it, then rerun."}) }}
  {%- endif -%}

  {#- dbt looks column_types up by the exact header name (a key `id` does not type a column `ID`). -#}
  {%- set declared = node.config.get('column_types') or {} -%}
  {%- set untyped = header | reject('in', declared) | list -%}
  {%- set inferred = dbt_self_heal.self_heal_infer_seed_types(path, csv_options, header, untyped) if untyped else {} -%}

  {%- set columns = [] -%}
  {%- for name in header -%}
    {%- do columns.append((name, declared.get(name) or inferred[name])) -%}
  {%- endfor -%}

  {%- set problem = dbt_self_heal.self_heal_seed_rejects(path, csv_options, columns) -%}
  {%- if problem -%}
    {{ return({'sql': [], 'error': "Seed file " ~ node.original_file_path ~ " (seed " ~ node.name ~ ") is malformed: "
        ~ problem ~ ". Fix that line (or the seed's column_types in its YAML), then rerun."}) }}
  {%- endif -%}

  {%- set relation = dbt_self_heal.self_heal_relation(node) -%}
  {#- As dbt's adapter.quote_seed_column: quoted unless the seed sets quote_columns: false (then a name DuckDB cannot
      take unquoted fails, as `dbt seed` fails). -#}
  {%- set quote = node.config.get('quote_columns') is not sameas false -%}
  {%- set ddl -%}
    create table {{ relation }} (
      {%- for name, type in columns %}
      {{ adapter.quote(name) if quote else name }} {{ type }}{{ ',' if not loop.last }}
      {%- endfor %}
    )
  {%- endset -%}
  {%- set load = "copy " ~ relation ~ " from " ~ dbt_self_heal.self_heal_sql_string(path)
                 ~ " (format csv, header true, delimiter " ~ dbt_self_heal.self_heal_sql_string(delimiter) ~ ")" -%}
  {{ return({'sql': [ddl, load], 'error': none, 'columns': columns}) }}
{% endmacro %}

{#- Types for columns without column_types, as dbt's agate type tester (dbt_common agate_helper) and dbt-duckdb's
    convert_type give them. agate keeps, per column, the first type in its order that EVERY value casts to:
    numbers (after agate's clean-up: '%' and currency symbols stripped, ',' group separators removed, so '$5',
    '1,000' and 'nan' are numbers, which dbt then fails to load into INTEGER: the seed is refused, as `dbt seed`
    fails) -> DOUBLE when any value is not whole (agate normalizes, so 1.0 and 1e5 are whole) else INTEGER;
    Python's strptime '%Y-%m-%d' (a four-digit year) -> DATE; '%Y-%m-%d %H:%M:%S' -> TIMESTAMP; else all ISO 8601
    with a 'T' (isodate) -> TIMESTAMP; true/false in any case -> BOOLEAN; anything else (e.g. '2024/01/15', '24-01-05',
    a column mixing the two timestamp forms) -> VARCHAR. Values are trimmed; '' and 'null' in any case are nulls; a
    column with no values at all is INTEGER. -#}
{% macro self_heal_infer_seed_types(path, csv_options, header, column_names) %}
  {%- set currency = "'؋$ƒ៛¥₡₱£€¢﷼₪₩₭₮₦฿₤₫'" -%}
  {%- set iso = "'\\d{4}(-?\\d{2}-?\\d{2}|-?W\\d{2}(-?\\d)?|-?\\d{3}|-\\d{2})?T\\d{2}(:?\\d{2}(:?\\d{2})?)?([.,]\\d+)?(Z|[+-]\\d{2}(:?\\d{2})?)?'" -%}
  {%- set sql -%}
    select
    {%- for name in column_names %}
      {%- set v = "(case when lower(trim(" ~ adapter.quote(name) ~ ")) in ('', 'null') then null else trim("
                  ~ adapter.quote(name) ~ ") end)" %}
      {%- set d = "try_cast(replace(trim(regexp_replace(trim(" ~ v ~ ", '%'), '^-', ''), " ~ currency ~ "), ',', '') as double)" %}
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
      end{{ ',' if not loop.last }}
    {%- endfor %}
    from read_csv({{ dbt_self_heal.self_heal_sql_string(path) }}, {{ csv_options }}, {{ dbt_self_heal.self_heal_varchar_columns(header) }},
                  auto_detect=false, quote='"', escape='"', ignore_errors=true)
  {%- endset -%}
  {%- set row = run_query(sql).rows[0] -%}
  {%- set types = {} -%}
  {%- for name in column_names -%}{%- do types.update({name: row[loop.index0]}) -%}{%- endfor -%}
  {{ return(types) }}
{% endmacro %}

{#- The first line of the CSV that cannot be read with the seed's column types, else the first value a column type
    cannot hold (the COPY would fail on either), as "line n: ...", or none. -#}
{% macro self_heal_seed_rejects(path, csv_options, columns) %}
  {%- set spec = [] -%}
  {%- set checks = [] -%}
  {%- set names = [] -%}
  {%- for name, type in columns -%}
    {%- do spec.append(dbt_self_heal.self_heal_sql_string(name) ~ ": " ~ dbt_self_heal.self_heal_sql_string(type)) -%}
    {%- do names.append(name) -%}
    {%- if type | lower not in ['varchar', 'text', 'string'] -%}
      {%- set v = adapter.quote(name) -%}
      {%- do checks.append("when " ~ v ~ " <> '' and try_cast(" ~ v ~ " as " ~ type ~ ") is null then "
          ~ dbt_self_heal.self_heal_sql_string(name ~ "|" ~ type) ~ " || '|' || " ~ v) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set file = dbt_self_heal.self_heal_sql_string(path) -%}
  {#- One round trip: the previous seed's reject tables go, the typed scan fills new ones, the last statement reads
      the first reject, else the first value that does not cast. DuckDB keeps reject tables in the connection's temp
      catalog; every name is qualified with it, as an unqualified drop would fall through to a project's own
      relation of that name. The cast scan skips unreadable lines (ignore_errors): it only counts when the typed
      scan rejected none, and then it skips none. -#}
  {%- set sql -%}
    drop table if exists temp.self_heal_rejects; drop table if exists temp.self_heal_rejects_scan;
    select count(*) from read_csv({{ file }}, {{ csv_options }},
      columns={ {{- spec | join(', ') -}} }, auto_detect=false, quote='"', escape='"',
      store_rejects=true, rejects_table='self_heal_rejects', rejects_scan='self_heal_rejects_scan');
    select 0 as cast_error, line, error_message as problem from temp.self_heal_rejects
    {%- if checks %}
    union all
    select 1, line, problem from (
      select row_number() over () + 1 as line, case {{ checks | join(' ') }} end as problem
      from read_csv({{ file }}, {{ csv_options }}, {{ dbt_self_heal.self_heal_varchar_columns(names) }},
                    auto_detect=false, quote='"', escape='"', ignore_errors=true)
    ) where problem is not null
    {%- endif %}
    order by cast_error, line limit 1
  {%- endset -%}
  {%- set rows = run_query(sql).rows -%}
  {%- if rows | length == 0 -%}{{ return(none) }}{%- endif -%}
  {%- if not rows[0][0] -%}{{ return("line " ~ rows[0][1] ~ ": " ~ rows[0][2]) }}{%- endif -%}
  {%- set column, type, value = rows[0][2].split('|', 2) -%}
  {{ return("line " ~ rows[0][1] ~ ": column " ~ column ~ " (" ~ type ~ ") cannot hold the value \"" ~ value ~ "\"") }}
{% endmacro %}

{#- The CSV's size and column names from its first line, read without DuckDB's dialect sniffer (which fails on ragged files)
    and split as Python's csv reader (agate) splits it: a field that starts with '"' is quoted ('""' inside is a
    quote, the delimiter inside is text); surrounding spaces stay (`id, name` has a column " name"); a UTF-8 byte
    order mark is dropped, as dbt's seed reader drops it. -#}
{% macro self_heal_seed_file(path, delimiter, read=none) %}
  {%- set row = read or run_query(dbt_self_heal.self_heal_seed_file_sql(dbt_self_heal.self_heal_sql_string(path))).rows[0] -%}
  {%- set first = row[1] -%}
  {{ return({'size': row[0], 'header': first.split(delimiter) if '"' not in first
                                    else dbt_self_heal.self_heal_split_quoted(first, delimiter)}) }}
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
  {%- set spec = [] -%}
  {%- for name in names -%}{%- do spec.append(dbt_self_heal.self_heal_sql_string(name) ~ ": 'varchar'") -%}{%- endfor -%}
  {{ return("columns={" ~ spec | join(', ') ~ "}") }}
{% endmacro %}
