{#- Just before a node is built: of the missing sources it only declares (self_heal_check_sources' `unsure`), one its
    compiled SQL names outside comments is read after all, and the build would fail on it. Stop there, naming the
    source, the node and the loader; nothing built so far is kept (the heal's transaction is never committed). The
    same for a missing node the heal does not build that it only declares (self_heal_declared_only): named with why
    the heal does not build it and how to build it. -#}
{% macro self_heal_check_compiled_sources(node, compiled_sql, source_ids) %}
  {%- set re = modules.re -%}
  {%- set sql = dbt_self_heal.self_heal_strip_sql_comments(compiled_sql) -%}
  {%- for uid in source_ids -%}
    {%- set source = graph.sources.get(uid) -%}
    {%- set parent = source or graph.nodes[uid] -%}
    {%- set identifier = source.identifier if source else parent.alias -%}
    {%- set name = re.compile('(?<![\\w])"?' ~ re.escape(parent.schema) ~ '"?\\s*\\.\\s*"?' ~ re.escape(identifier) ~ '"?(?![\\w"])', re.I) -%}
    {%- if name.search(sql) -%}
      {{ exceptions.raise_compiler_error("self_heal: " ~ (dbt_self_heal.self_heal_missing_source_message(source, [node.name])
          if source else node.name ~ " reads " ~ parent.name ~ " (" ~ parent.schema ~ "." ~ identifier ~ "), which does not "
          ~ "exist: " ~ dbt_self_heal.self_heal_check_buildable([uid]) | join(' '))
          ~ " Nothing the heal built in this run was kept.") }}
    {%- endif -%}
  {%- endfor -%}
{% endmacro %}
