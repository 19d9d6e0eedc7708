{#- DDL that loads one seed exactly as `dbt seed` does on DuckDB: a typed table, then COPY from the CSV.
    Returns {'sql': [...], 'error': none | message}. -#}
{% macro self_heal_seed_sql(node) %}
  {{ return(adapter.dispatch('self_heal_seed_sql', 'dbt_self_heal')(node)) }}
{% endmacro %}

{% macro default__self_heal_seed_sql(node) %}
  {{ exceptions.raise_compiler_error(
      "self_heal cannot load seeds on the '" ~ adapter.type() ~ "' adapter yet; run `dbt seed` before "
      ~ "`dbt build`, or set var self_heal_enabled: false.") }}
{% endmacro %}

{% macro duckdb__self_heal_seed_sql(node) %}
  {%- set path = node.root_path ~ '/' ~ node.original_file_path -%}
  {%- set delimiter = node.config.get('delimiter') or ',' -%}
  {%- set csv_options = "header=true, delim=" ~ dbt_self_heal.self_heal_sql_string(delimiter) -%}
  {%- set size = run_query("select coalesce(max(size), 0) from read_blob(" ~ dbt_self_heal.self_heal_sql_string(path) ~ ")").rows[0][0] -%}
  {%- if size == 0 -%}
    {{ return({'sql': [], 'error': "Seed file " ~ node.original_file_path ~ " (seed " ~ node.name ~ ") is empty. "
        ~ "Restore it (e.g. `git checkout -- " ~ node.original_file_path ~ "`) or add its header and rows, then rerun."}) }}
  {%- endif -%}
  {%- set header = dbt_self_heal.self_heal_seed_header(path, delimiter) -%}

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
  {%- set ddl -%}
    create table {{ relation }} (
      {%- for name, type in columns %}
      {{ adapter.quote(name) }} {{ type }}{{ ',' if not loop.last }}
      {%- endfor %}
    )
  {%- endset -%}
  {%- set load = "copy " ~ relation ~ " from " ~ dbt_self_heal.self_heal_sql_string(path)
                 ~ " (format csv, header true, delimiter " ~ dbt_self_heal.self_heal_sql_string(delimiter) ~ ")" -%}
  {{ return({'sql': [ddl, load], 'error': none}) }}
{% endmacro %}

{#- Types for columns without column_types, as dbt's agate type tester (dbt_common agate_helper) and dbt-duckdb's
    convert_type give them, tested in agate's order: numbers -> DOUBLE when any value is not whole (agate
    normalizes, so 1.0 and 1e5 are whole) else INTEGER; '%Y-%m-%d' -> DATE; '%Y-%m-%d %H:%M:%S' or ISO 8601 with a
    'T' -> TIMESTAMP; true/false in any case -> BOOLEAN; anything else (e.g. '2024/01/15', '2024-01-15 10:30') ->
    VARCHAR. Values are trimmed; '' and 'null' in any case are nulls; a column with no values at all is INTEGER. -#}
{% macro self_heal_infer_seed_types(path, csv_options, header, column_names) %}
  {%- set sql -%}
    select
    {%- for name in column_names %}
      {%- set v = "(case when lower(trim(" ~ adapter.quote(name) ~ ")) in ('', 'null') then null else trim("
                  ~ adapter.quote(name) ~ ") end)" %}
      {%- set d = "try_cast(" ~ v ~ " as double)" %}
      case
        when count({{ v }}) = 0 then 'integer'
        when bool_and({{ v }} is null or ({{ d }} is not null
                            and lower({{ v }}) not in ('nan', 'inf', '-inf', 'infinity', '-infinity')))
          then case when bool_or({{ d }} <> trunc({{ d }})) then 'double' else 'integer' end
        when bool_and({{ v }} is null or try_strptime({{ v }}, '%Y-%m-%d') is not null) then 'date'
        when bool_and({{ v }} is null or try_strptime({{ v }}, '%Y-%m-%d %H:%M:%S') is not null
                      or (contains({{ v }}, 'T') and try_cast({{ v }} as timestamp) is not null)) then 'timestamp'
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

{#- The first line of the CSV that cannot be read with the seed's column types, or none. -#}
{% macro self_heal_seed_rejects(path, csv_options, columns) %}
  {%- set spec = [] -%}
  {%- for name, type in columns -%}
    {%- do spec.append(dbt_self_heal.self_heal_sql_string(name) ~ ": " ~ dbt_self_heal.self_heal_sql_string(type)) -%}
  {%- endfor -%}
  {%- set sql -%}
    select count(*) from read_csv({{ dbt_self_heal.self_heal_sql_string(path) }}, {{ csv_options }},
      columns={ {{- spec | join(', ') -}} }, auto_detect=false, quote='"', escape='"',
      store_rejects=true, rejects_table='self_heal_rejects', rejects_scan='self_heal_rejects_scan')
  {%- endset -%}
  {%- do run_query(sql) -%}
  {%- set rejects = run_query("select line, error_message from self_heal_rejects order by line limit 1").rows -%}
  {%- do run_query("drop table if exists self_heal_rejects; drop table if exists self_heal_rejects_scan") -%}
  {%- if rejects | length > 0 -%}
    {{ return("line " ~ rejects[0][0] ~ ": " ~ rejects[0][1]) }}
  {%- endif -%}
  {{ return(dbt_self_heal.self_heal_seed_cast_errors(path, csv_options, columns)) }}
{% endmacro %}

{#- The first value that the seed's column type cannot hold (the COPY would fail on it), as "line n: ...". -#}
{% macro self_heal_seed_cast_errors(path, csv_options, columns) %}
  {%- set checks = [] -%}
  {%- for name, type in columns if type | lower not in ['varchar', 'text', 'string'] -%}
    {%- set v = adapter.quote(name) -%}
    {%- do checks.append("when " ~ v ~ " <> '' and try_cast(" ~ v ~ " as " ~ type ~ ") is null then "
        ~ dbt_self_heal.self_heal_sql_string(name ~ "|" ~ type) ~ " || '|' || " ~ v) -%}
  {%- endfor -%}
  {%- if not checks -%}{{ return(none) }}{%- endif -%}
  {%- set names = [] -%}
  {%- for name, type in columns -%}{%- do names.append(name) -%}{%- endfor -%}
  {%- set sql -%}
    select line, problem from (
      select row_number() over () + 1 as line, case {{ checks | join(' ') }} end as problem
      from read_csv({{ dbt_self_heal.self_heal_sql_string(path) }}, {{ csv_options }}, {{ dbt_self_heal.self_heal_varchar_columns(names) }},
                    auto_detect=false, quote='"', escape='"')
    ) where problem is not null order by line limit 1
  {%- endset -%}
  {%- set rows = run_query(sql).rows -%}
  {%- if rows | length == 0 -%}{{ return(none) }}{%- endif -%}
  {%- set column, type, value = rows[0][1].split('|', 2) -%}
  {{ return("line " ~ rows[0][0] ~ ": column " ~ column ~ " (" ~ type ~ ") cannot hold the value \"" ~ value ~ "\"") }}
{% endmacro %}

{#- The CSV's column names from its first line, read without DuckDB's dialect sniffer, which fails on ragged files. -#}
{% macro self_heal_seed_header(path, delimiter) %}
  {%- set first = run_query("select split_part(replace(content, chr(13), ''), chr(10), 1) from read_text("
                            ~ dbt_self_heal.self_heal_sql_string(path) ~ ")").rows[0][0] -%}
  {%- set names = [] -%}
  {#- Kept as agate's CSV reader keeps them: surrounding spaces stay (`id, name` has a column " name"). -#}
  {%- for name in first.split(delimiter) -%}
    {%- set quoted = name | length > 1 and name.startswith('"') and name.endswith('"') -%}
    {%- do names.append(name[1:-1].replace('""', '"') if quoted else name) -%}
  {%- endfor -%}
  {{ return(names) }}
{% endmacro %}

{% macro self_heal_varchar_columns(names) %}
  {%- set spec = [] -%}
  {%- for name in names -%}{%- do spec.append(dbt_self_heal.self_heal_sql_string(name) ~ ": 'varchar'") -%}{%- endfor -%}
  {{ return("columns={" ~ spec | join(', ') ~ "}") }}
{% endmacro %}
