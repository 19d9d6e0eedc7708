{#- SQL text without its `--` line comments and `/* */` block comments (what a database never reads). A `--` inside a
    string literal is taken for a comment too: the callers only use this to decide that a source is NOT read, and
    such a source is then checked again when the node fails to build (its error names the table). -#}
{% macro self_heal_strip_sql_comments(sql) %}
  {{ return(modules.re.sub("--[^\\n]*", "", modules.re.sub("/\\*.*?\\*/", " ", sql or '', flags=modules.re.S))) }}
{% endmacro %}
