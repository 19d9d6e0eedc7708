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
  {%- set csv_options = "header=true, delim=" ~ self_heal_sql_string(delimiter) -%}
  {%- set size = run_query("select coalesce(max(size), 0) from read_blob(" ~ self_heal_sql_string(path) ~ ")").rows[0][0] -%}
  {%- if size == 0 -%}
    {{ return({'sql': [], 'error': "Seed file " ~ node.original_file_path ~ " (seed " ~ node.name ~ ") is empty. "
        ~ "Restore it (e.g. `git checkout -- " ~ node.original_file_path ~ "`) or add its header and rows, then rerun."}) }}
  {%- endif -%}
  {%- set header = self_heal_seed_header(path, delimiter) -%}

  {%- set declared = {} -%}
  {%- for name, type in (node.config.get('column_types') or {}).items() -%}
    {%- do declared.update({name | lower: type}) -%}
  {%- endfor -%}
  {%- set untyped = header | reject('in', declared) | list -%}
  {%- set inferred = self_heal_infer_seed_types(path, csv_options, header, untyped) if untyped else {} -%}

  {%- set columns = [] -%}
  {%- for name in header -%}
    {%- do columns.append((name, declared.get(name | lower) or inferred[name])) -%}
  {%- endfor -%}

  {%- set problem = self_heal_seed_rejects(path, csv_options, columns) -%}
  {%- if problem -%}
    {{ return({'sql': [], 'error': "Seed file " ~ node.original_file_path ~ " (seed " ~ node.name ~ ") is malformed: "
        ~ problem ~ ". Fix that line (or the seed's column_types in its YAML), then rerun."}) }}
  {%- endif -%}

  {%- set relation = self_heal_relation(node) -%}
  {%- set ddl -%}
    create table {{ relation }} (
      {%- for name, type in columns %}
      {{ adapter.quote(name) }} {{ type }}{{ ',' if not loop.last }}
      {%- endfor %}
    )
  {%- endset -%}
  {%- set load = "copy " ~ relation ~ " from " ~ self_heal_sql_string(path)
                 ~ " (format csv, header true, delimiter " ~ self_heal_sql_string(delimiter) ~ ")" -%}
  {{ return({'sql': [ddl, load], 'error': none}) }}
{% endmacro %}

{#- Types for columns without column_types, as dbt's agate type tester infers them: whole numbers -> integer,
    numbers with decimals -> double, %Y-%m-%d -> date, timestamps -> timestamp, true/false -> boolean,
    else text; a column with no values at all is integer. -#}
{% macro self_heal_infer_seed_types(path, csv_options, header, column_names) %}
  {%- set sql -%}
    select
    {%- for name in column_names %}
      {%- set v = "nullif(nullif(trim(" ~ adapter.quote(name) ~ "), ''), 'null')" %}
      case
        when count({{ v }}) = 0 then 'integer'
        when bool_and({{ v }} is null or (try_cast({{ v }} as double) is not null
                            and lower({{ v }}) not in ('nan', 'inf', '-inf', 'infinity', '-infinity')))
          then case when bool_or(regexp_matches({{ v }}, '\.[0-9]|[eE]-')) then 'double' else 'integer' end
        when bool_and({{ v }} is null or try_strptime({{ v }}, '%Y-%m-%d') is not null) then 'date'
        when bool_and({{ v }} is null or try_cast({{ v }} as timestamp) is not null) then 'timestamp'
        when bool_and({{ v }} is null or lower({{ v }}) in ('true', 'false')) then 'boolean'
        else 'varchar'
      end{{ ',' if not loop.last }}
    {%- endfor %}
    from read_csv({{ self_heal_sql_string(path) }}, {{ csv_options }}, {{ self_heal_varchar_columns(header) }},
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
    {%- do spec.append(self_heal_sql_string(name) ~ ": " ~ self_heal_sql_string(type)) -%}
  {%- endfor -%}
  {%- set sql -%}
    select count(*) from read_csv({{ self_heal_sql_string(path) }}, {{ csv_options }},
      columns={ {{- spec | join(', ') -}} }, auto_detect=false, quote='"', escape='"',
      store_rejects=true, rejects_table='self_heal_rejects', rejects_scan='self_heal_rejects_scan')
  {%- endset -%}
  {%- do run_query(sql) -%}
  {%- set rejects = run_query("select line, error_message from self_heal_rejects order by line limit 1").rows -%}
  {%- do run_query("drop table if exists self_heal_rejects; drop table if exists self_heal_rejects_scan") -%}
  {%- if rejects | length > 0 -%}
    {{ return("line " ~ rejects[0][0] ~ ": " ~ rejects[0][1]) }}
  {%- endif -%}
  {{ return(none) }}
{% endmacro %}

{#- The CSV's column names from its first line, read without DuckDB's dialect sniffer, which fails on ragged files. -#}
{% macro self_heal_seed_header(path, delimiter) %}
  {%- set first = run_query("select split_part(replace(content, chr(13), ''), chr(10), 1) from read_text("
                            ~ self_heal_sql_string(path) ~ ")").rows[0][0] -%}
  {%- set names = [] -%}
  {%- for name in first.split(delimiter) -%}{%- do names.append(name.strip().strip('"')) -%}{%- endfor -%}
  {{ return(names) }}
{% endmacro %}

{% macro self_heal_varchar_columns(names) %}
  {%- set spec = [] -%}
  {%- for name in names -%}{%- do spec.append(self_heal_sql_string(name) ~ ": 'varchar'") -%}{%- endfor -%}
  {{ return("columns={" ~ spec | join(', ') ~ "}") }}
{% endmacro %}
