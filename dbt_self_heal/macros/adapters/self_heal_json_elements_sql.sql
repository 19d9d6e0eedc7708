{#- A set-returning SQL expression: the elements of `column`, a JSON array of strings kept as text, as rows of text. -#}
{% macro self_heal_json_elements_sql(column) %}
  {{ return(adapter.dispatch('self_heal_json_elements_sql', 'dbt_self_heal')(column)) }}
{% endmacro %}

{% macro default__self_heal_json_elements_sql(column) %}
  {{ exceptions.raise_compiler_error(dbt_self_heal.self_heal_unsupported_adapter()) }}
{% endmacro %}

{% macro duckdb__self_heal_json_elements_sql(column) %}
  {{ return("unnest(json_extract_string(" ~ column ~ ", '$[*]'))") }}
{% endmacro %}

{% macro postgres__self_heal_json_elements_sql(column) %}
  {{ return("json_array_elements_text(cast(" ~ column ~ " as json))") }}
{% endmacro %}
