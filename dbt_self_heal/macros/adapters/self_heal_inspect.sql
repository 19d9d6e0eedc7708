{#- The single check of a run: in ONE query, which of the given relations exist and of what kind and their
    fingerprint records; then the size and modification time of the files fingerprints cover
    (self_heal_file_stats). Returns {'relations': {key: 'table' | 'view'}, 'records': {key: {...}},
    'files': {path: stat}}. `before`: a statement run first in the same round trip (the unfinished marks).
    DuckDB runs every statement of the text and returns the last one's rows, as psycopg2 does. The union's columns
    are named whichever part comes first (agate warns about every duplicate name, which costs more than the query).
    What differs by adapter is the catalog (self_heal_catalog_sql) and where files are read (self_heal_file_stats). -#}
{% macro self_heal_inspect(keys, record_relation=none, paths=[], before='') %}
  {%- set found = {'relations': {}, 'records': {}, 'files': adapter.dispatch('self_heal_file_stats', 'dbt_self_heal')(paths)} -%}
  {%- set parts = [] -%}
  {#- self_heal_sql_string, inline: this runs once per needed relation. -#}
  {%- set wanted = "('" ~ (keys | map('replace', "'", "''") | join("', '")) ~ "')" -%}
  {%- if keys -%}
    {%- do parts.append("select 'relation' as what, relation_key, kind, null as parts, null as built_at, null as files,
           null as verified from " ~ adapter.dispatch('self_heal_catalog_sql', 'dbt_self_heal')() ~ " as catalog where relation_key in " ~ wanted) -%}
  {%- endif -%}
  {%- if record_relation is not none and keys -%}
    {%- do parts.append("select 'record', relation, fingerprint, parts, cast(built_at as varchar), files, verified_digest"
          ~ " from " ~ record_relation ~ " where relation in " ~ wanted) -%}
  {%- endif -%}
  {%- if not parts -%}
    {%- if before -%}{%- do run_query(before) -%}{%- endif -%}
    {{ return(found) }}
  {%- endif -%}
  {%- for what, key, value, recorded_parts, built_at, files, verified in run_query((before ~ ";\n" if before else "")
        ~ parts | join("\nunion all\n")).rows -%}
    {%- if what == 'relation' -%}{%- do found.relations.update({key: value}) -%}
    {%- else -%}
      {%- do found.records.update({key: {'fingerprint': value, 'parts': recorded_parts, 'built_at': built_at, 'files': files,
                                        'verified': verified}}) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(found) }}
{% endmacro %}
