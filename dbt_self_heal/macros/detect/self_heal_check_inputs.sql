{#- External files the nodes to build read (meta.self_heal.inputs: names of vars holding file paths) must exist. -#}
{% macro self_heal_check_inputs(node_ids) %}
  {%- set wanted = [] -%}
  {%- for uid in node_ids -%}
    {%- set node = graph.nodes[uid] -%}
    {%- set declared = ((node.config.get('meta') or {}).get('self_heal') or {}).get('inputs', []) -%}
    {#- `inputs: census_path` (one name, not a list) is read as the list of that one name. -#}
    {%- for var_name in ([declared] if declared is string else declared) -%}
      {%- do wanted.append((var_name, var(var_name, none), node.name)) -%}
    {%- endfor -%}
  {%- endfor -%}
  {{ return(dbt_self_heal.self_heal_check_input_files(wanted) if wanted else []) }}
{% endmacro %}

{#- The files of self_heal_check_inputs, as (var name, path, model) triples: one problem per unset var or missing file
    (its own macro, so a project that declares no inputs never compiles it). -#}
{% macro self_heal_check_input_files(wanted) %}
  {%- set problems = [] -%}
  {%- set paths = [] -%}
  {%- for var_name, path, _ in wanted -%}{%- do paths.append(path or '') -%}{%- endfor -%}
  {%- set counts = adapter.dispatch('self_heal_file_counts', 'dbt_self_heal')(paths) -%}
  {%- if counts is none -%}
    {%- for var_name, path, model in wanted -%}
      {%- do problems.append("model " ~ model ~ " declares the input file of var '" ~ var_name ~ "' (meta.self_heal.inputs), "
          ~ "which self_heal supports on dbt-duckdb only: a " ~ adapter.type() ~ " server cannot read files on the "
          ~ "machine running dbt. Load the file as a seed, or as a source another program writes, and remove the "
          ~ "declaration.") -%}
    {%- endfor -%}
    {{ return(problems) }}
  {%- endif -%}
  {%- for count in counts -%}
    {%- set var_name, path, model = wanted[loop.index0] -%}
    {%- if path is none or path == '' -%}
      {%- do problems.append("var '" ~ var_name ~ "' is not set but model " ~ model ~ " reads the file it names. "
          ~ "Set it in dbt_project.yml vars or pass --vars '{" ~ var_name ~ ": path/to/file}'.") -%}
    {%- elif count == 0 -%}
      {%- do problems.append("input file not found: " ~ path ~ " (var '" ~ var_name ~ "', read by model " ~ model
          ~ "). Put the file there or pass --vars '{" ~ var_name ~ ": path/to/file}'.") -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(problems) }}
{% endmacro %}
