{#- Where the state and record tables are, as this run resolves them (settings + target): named in the events after
    which a wrapper reads or writes them, so no wrapper copies the settings and their defaults. -#}
{% macro self_heal_table_refs() %}
  {%- set refs = {} -%}
  {%- for key, relation in [('state_relation', dbt_self_heal.self_heal_state_relation()),
                            ('record_relation', dbt_self_heal.self_heal_record_relation())] -%}
    {%- do refs.update({key: {'database': relation.database, 'schema': relation.schema,
                              'identifier': relation.identifier}}) -%}
  {%- endfor -%}
  {{ return(refs) }}
{% endmacro %}
