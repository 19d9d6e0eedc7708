{#- What to do about a failed step (see README, "Error catalogue"). -#}
{% macro self_heal_remediation(step, error) %}
  {%- if step == 'check_tables' -%}
    {{ return("nothing was built: do what each problem above says (it names the file, var, source or node "
              ~ "and how to fix it), then rerun the same command.") }}
  {%- elif step == 'load_seeds' -%}
    {{ return("a seed could not be loaded: fix the CSV or its column_types as the database error above says; "
              ~ "if it says 'No space left on device' or 'File too large', free disk space; then rerun.") }}
  {%- elif step == 'build_foundation' -%}
    {{ return("a model's SQL failed: fix the model whose SQL the database error above quotes (run `dbt build --select "
              ~ "<model> --vars '{self_heal_enabled: false}'` for dbt's per-model error); if it says 'No space left on "
              ~ "device' or 'File too large', free disk space; then rerun.") }}
  {%- elif step == 'verify' -%}
    {{ return("the verification or the commit failed; if the database error above says 'No space left on device' "
              ~ "or 'File too large', free disk space where the database lives; then rerun.") }}
  {%- endif -%}
  {{ return("read the database error above, fix its cause, then rerun the same command.") }}
{% endmacro %}
