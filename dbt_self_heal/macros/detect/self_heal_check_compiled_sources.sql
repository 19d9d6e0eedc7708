{#- Just before a node is built: of the missing sources it only declares (self_heal_check_sources' `unsure`), one its
    compiled SQL names outside comments is read after all, and the build would fail on it. Stop there, naming the
    source, the node and the loader; nothing built so far is kept (the heal's transaction is never committed). -#}
{% macro self_heal_check_compiled_sources(node, compiled_sql, source_ids) %}
  {%- set re = modules.re -%}
  {%- set sql = dbt_self_heal.self_heal_strip_sql_comments(compiled_sql) -%}
  {%- for uid in source_ids -%}
    {%- set source = graph.sources[uid] -%}
    {%- set name = re.compile('(?<![\\w])"?' ~ re.escape(source.schema) ~ '"?\\s*\\.\\s*"?' ~ re.escape(source.identifier) ~ '"?(?![\\w"])', re.I) -%}
    {%- if name.search(sql) -%}
      {{ exceptions.raise_compiler_error("self_heal: " ~ dbt_self_heal.self_heal_missing_source_message(source, [node.name])
          ~ " Nothing the heal built in this run was kept.") }}
    {%- endif -%}
  {%- endfor -%}
{% endmacro %}
