{#- Seam: a node's code hash as dbt-core 1.8-1.11 compute it (sha256 of the file's text, which is the node's raw_code),
    on every dbt version, so switching dbt versions rebuilds nothing whose code did not change and records written
    under 1.11 stay valid. Returns {unique_id: sha256} for the given nodes whose `checksum` is not that hash; called
    by self_heal_macro_index on dbt 1.12+ only:
    - dbt 1.8.10, 1.9.11, 1.10.23, 1.11.16: not called (their checksum is sha256(raw_code); checked on every model
      of the reference workspace and the consumer fixture);
    - dbt 1.12.6: 1.12 hashes the text with runs of whitespace collapsed (parser/read_files.py
      normalize_file_contents), so for every model whose text that changes, the database computes sha256 of the
      raw code (one query for all of them, once per invocation; only when fingerprints are computed: never on a
      healthy run's check). A newer dbt
      is treated as 1.12 is. Seeds keep dbt's checksum: it is the file's own hash (FileHash.from_path) in every
      version. -#}
{% macro self_heal_code_checksums(node_ids) %}
  {%- set wanted = [] -%}
  {%- for uid in node_ids -%}
    {%- set node = graph.nodes.get(uid) -%}
    {%- if node is not none and node.resource_type != 'seed' and node.checksum.name == 'sha256'
          and node.get('raw_code') is not none and node.raw_code.split() | join(' ') != node.raw_code -%}
      {%- do wanted.append(uid) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if not wanted -%}{{ return({}) }}{%- endif -%}
  {%- set selects = [] -%}
  {%- for uid in wanted -%}
    {%- do selects.append("select " ~ loop.index0 ~ " as i, " ~ adapter.dispatch('self_heal_sha256_sql', 'dbt_self_heal')(
        dbt_self_heal.self_heal_sql_string(graph.nodes[uid].raw_code)) ~ " as h") -%}
  {%- endfor -%}
  {%- set result = {} -%}
  {%- for row in run_query(selects | join(' union all ')) -%}{%- do result.update({wanted[row[0] | int]: row[1]}) -%}{%- endfor -%}
  {{ return(result) }}
{% endmacro %}

{#- Lower-case hex sha256 of a UTF-8 string expression (DuckDB's sha256(varchar)). -#}
{% macro default__self_heal_sha256_sql(expression) %}{{ return("sha256(" ~ expression ~ ")") }}{% endmacro %}

{% macro postgres__self_heal_sha256_sql(expression) %}
  {{ return("encode(sha256(convert_to(" ~ expression ~ ", 'UTF8')), 'hex')") }}
{% endmacro %}
