{#- Content hashes for the files: the recorded one while size and modification time are unchanged, else hashed now.
    Callers skip it when no file is covered (`stats` empty). -#}
{% macro self_heal_known_hashes(records, stats) %}
  {%- set hashes = {} -%}
  {%- set recorded = {} -%}
  {%- for record in records.values() if record.get('files') -%}
    {%- do recorded.update(fromjson(record.files)) -%}
  {%- endfor -%}
  {%- set changed = [] -%}
  {%- for path, stat in stats.items() -%}
    {%- if path in recorded and recorded[path][0] == stat -%}
      {%- do hashes.update({path: recorded[path][1]}) -%}
    {%- else -%}
      {%- do changed.append(path) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if changed -%}{%- do hashes.update(adapter.dispatch('self_heal_file_hashes', 'dbt_self_heal')(changed)) -%}{%- endif -%}
  {{ return(hashes) }}
{% endmacro %}
