{#- What to say when a source a node reads does not exist: the source, who reads it, and who loads it. -#}
{% macro self_heal_missing_source_message(source, names) %}
  {{ return("source " ~ source.source_name ~ "." ~ source.name ~ " (" ~ source.database ~ "."
        ~ source.schema ~ "." ~ source.identifier ~ ") does not exist, but " ~ names | join(', ')
        ~ (" needs it" if names | length == 1 else " need it") ~ ". "
        ~ ("It is written by " ~ source.loader ~ ": run that first" if source.loader else
           "Create or load it first (it is a dbt source, which dbt never builds)")
        ~ ", then rerun.") }}
{% endmacro %}
