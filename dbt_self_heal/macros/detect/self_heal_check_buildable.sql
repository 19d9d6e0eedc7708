{#- Nodes the hook does not build, with why; everything else goes through dbt's own materialization for it
    (custom materializations included). Snapshots need dbt's snapshot runner, Python models a Python runtime,
    microbatch models dbt's batch runner; `external` writes files outside the database, which the heal's
    transaction could not roll back. A model whose project macros call `config(...)` themselves cannot be compiled
    here: the heal gives a node a `config` that answers config.get and the rest for that node, and Jinja cannot make
    that object callable (the model's own `config(...)` calls are routed, self_heal_config_calls; a macro's are not).
    Returns refusal messages, or with `reasons=true` {unique_id: why} (self_heal_rebuild_set keeps such a relation as
    it is when it exists, since plain dbt would read it as it is). -#}
{% macro self_heal_check_buildable(node_ids, reasons=false) %}
  {%- set problems = [] -%}
  {%- set whys = {} -%}
  {%- set calls_config = {} -%}{#- {macro id: whether it calls config(...)}, each macro looked at once -#}
  {%- for uid in node_ids -%}
    {%- set node = graph.nodes[uid] -%}
    {%- set why = "it is a snapshot" if node.resource_type == 'snapshot'
          else "it is a " ~ node.language ~ " model" if node.get('language', 'sql') != 'sql'
          else "it writes files outside the database (materialized='external')" if node.config.materialized == 'external'
          else "it is a microbatch model" if node.config.get('incremental_strategy') == 'microbatch'
          else "it lives in the attached database '" ~ node.database ~ "' and DuckDB lets one transaction write to "
               ~ "one database only (the heal's transaction also writes its state in '" ~ target.database ~ "')"
               if node.database and target.database and node.database | lower != target.database | lower
          else none -%}
    {%- if why is none and node.resource_type == 'model' and node.depends_on.macros -%}
      {%- set manifest = dbt_self_heal.self_heal_engine().manifest -%}
      {%- for macro_id in dbt_self_heal.self_heal_node_macros(node, manifest, {}) if uid not in whys -%}
        {#- A macro whose code the routing of config(...) calls would change calls config(...) in a Jinja tag. -#}
        {%- if macro_id not in calls_config -%}
          {%- set code = manifest.macros[macro_id].macro_sql -%}
          {%- do calls_config.update({macro_id: 'config' in code and dbt_self_heal.self_heal_config_calls(code) != code}) -%}
        {%- endif -%}
        {%- if calls_config[macro_id] -%}
          {%- do whys.update({uid: "its code calls the macro " ~ manifest.macros[macro_id].name ~ ", which calls "
                                   ~ "config(...) itself, and the heal cannot give a macro a callable config for the "
                                   ~ "node it builds"}) -%}
        {%- endif -%}
      {%- endfor -%}
      {%- set why = whys.get(uid) -%}
    {%- endif -%}
    {%- if why -%}
      {%- do whys.update({uid: why}) -%}
      {%- do problems.append("self_heal does not build " ~ node.unique_id ~ ": " ~ why ~ ". Build it once with "
        ~ "`dbt build --select " ~ node.name ~ "`, then rerun.") -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(whys if reasons else problems) }}
{% endmacro %}
