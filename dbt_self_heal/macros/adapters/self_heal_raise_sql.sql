{#- The statement a refusing hook returns: dbt runs it as the hook's statement, so the refusal shows as
    `ERROR hook` (exit 1), dbt skips the selected nodes and on-run-end still runs. -#}
{% macro self_heal_raise_sql(message) %}
  {{ return(adapter.dispatch('self_heal_raise_sql', 'dbt_self_heal')(message)) }}
{% endmacro %}

{% macro default__self_heal_raise_sql(message) %}
  {{ exceptions.raise_compiler_error(message) }}
{% endmacro %}

{% macro duckdb__self_heal_raise_sql(message) %}
  {{ return("select error(" ~ dbt_self_heal.self_heal_sql_string(message) ~ ")") }}
{% endmacro %}

{#- Postgres has no error() function: a DO block raises. What the check wrote is committed first (the refused
    attempt's state row, for on-run-end to mark failed), which also releases the lock. -#}
{% macro postgres__self_heal_raise_sql(message) %}
  {%- do dbt_self_heal.self_heal_release() -%}
  {{ return("do $self_heal$ begin raise exception using message = " ~ dbt_self_heal.self_heal_sql_string(message)
            ~ "; end $self_heal$") }}
{% endmacro %}
