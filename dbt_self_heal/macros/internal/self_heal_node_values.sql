{% macro self_heal_node_values(frame) %}
  {%- set engine = context['self_heal__engine_state'] -%}
  {%- set node = frame.node -%}
  {%- set model = node.to_dict(omit_none=true) -%}
  {#- As dbt does for the model variable: contract types aliased to the adapter's type names. -#}
  {%- if node.contract is defined and node.contract.alias_types -%}
    {%- for column in model.get('columns', {}).values() if column.get('data_type') -%}
      {%- do column.update({'data_type': api.Column.translate_type(column.data_type)}) -%}
    {%- endfor -%}
  {%- endif -%}
  {#- As dbt's compiler does: a foreign key's `to: ref(...)` / `source(...)` becomes the relation's name
      (self_heal_resolve_foreign_keys; most nodes have no constraints and skip it). -#}
  {%- if model.get('constraints') or model.get('columns', {}).values() | selectattr('constraints') | first is defined -%}
    {%- do dbt_self_heal.self_heal_resolve_foreign_keys(node, model, engine) -%}
  {%- endif -%}
  {%- if frame.sql is not none -%}
    {%- do model.update({'compiled_code': frame.sql, 'compiled_sql': frame.sql, 'compiled': true,
                         'extra_ctes_injected': true}) -%}
  {%- endif -%}
  {%- set hooks = dbt_self_heal.self_heal_node_hooks(node) if node.config.pre_hook or node.config.post_hook else [[], []] -%}
  {%- set config = namespace(get=dbt_self_heal.self_heal_config_get, require=dbt_self_heal.self_heal_config_require, set=dbt_self_heal.self_heal_config_set,
                          meta_get=dbt_self_heal.self_heal_config_meta_get, meta_require=dbt_self_heal.self_heal_config_meta_require,
                          persist_relation_docs=dbt_self_heal.self_heal_config_persist_relation_docs,
                          persist_column_docs=dbt_self_heal.self_heal_config_persist_column_docs) -%}
  {#- dbt's ref/source as `builtins` has them; a project's own `ref` or `source` macro (which calls
      builtins.ref) stays in front of them, as it does when dbt compiles the node. -#}
  {%- set hook_builtins = engine.hook_values.builtins or {} -%}
  {%- set builtins = {} -%}
  {%- do builtins.update(hook_builtins) -%}
  {%- do builtins.update({'ref': dbt_self_heal.self_heal_node_ref, 'source': dbt_self_heal.self_heal_node_source}) -%}
  {%- set ref = dbt_self_heal.self_heal_node_ref
      if hook_builtins.ref is not defined or engine.hook_values.ref is sameas hook_builtins.ref
      else engine.hook_values.ref -%}
  {%- set source = dbt_self_heal.self_heal_node_source
      if hook_builtins.source is not defined or engine.hook_values.source is sameas hook_builtins.source
      else engine.hook_values.source -%}
  {%- set values = {} -%}
  {#- A node of another package sees that package's macros first, unqualified (dbt's MacroNamespace puts the
      node's own package before the root project); names swapped in for one are put back for the next. -#}
  {%- set swapped = engine.setdefault('package_macro_names', {}) -%}
  {%- for name in swapped -%}{%- do values.update({name: engine.hook_values.get(name)}) -%}{%- endfor -%}
  {%- if node.package_name != engine.config.project_name and context.get(node.package_name) is mapping -%}
    {%- do dbt_self_heal.self_heal_package_macro_values(node.package_name, swapped, values, engine) -%}
  {%- endif -%}
  {#- selected_resources: what this run builds, the heal's plan included (dbt-duckdb replaces a table that a foreign
      key references only when the referencing model is rebuilt in the same run). -#}
  {%- do values.update({
      'model': model,
      'this': api.Relation.create_from(engine.config, node),
      'builtins': builtins,
      'config': config,
      'self_heal_config_call': engine.hook_values.config,
      'ref': ref,
      'source': source,
      'var': dbt_self_heal.self_heal_node_var,
      'database': node.database,
      'schema': node.schema,
      'pre_hooks': hooks[0],
      'post_hooks': hooks[1],
      'sql': frame.sql,
      'compiled_code': frame.sql,
      'write': dbt_self_heal.self_heal_noop,
      'defer_relation': none,
      'selected_resources': engine.get('building') or engine.hook_values.selected_resources,
      'load_agate_table': dbt_self_heal.self_heal_load_agate_table,
  }) -%}
  {{ return(values) }}
{% endmacro %}

{#- A foreign key's `to: ref(...)` / `source(...)` in the model dict becomes the relation's name, as dbt's compiler
    does it. dbt 1.9-1.12 (checked 1.9.11, 1.11.16, 1.12.6) do it with manifest.find_node_from_ref_or_source; dbt
    1.8.10 has no such method and its compiler leaves `to` as written (dbt-duckdb then renders `references ref('x')
    (...)`, which fails): the heal leaves it as written too, so it fails exactly as `dbt build` does there. -#}
{% macro self_heal_resolve_foreign_keys(node, model, engine) %}
  {%- set constraint_lists = [model.get('constraints', [])] -%}
  {%- for column in model.get('columns', {}).values() -%}{%- do constraint_lists.append(column.get('constraints', [])) -%}{%- endfor -%}
  {%- if engine.manifest.find_node_from_ref_or_source is not defined -%}{%- set constraint_lists = [] -%}{%- endif -%}
  {%- for constraints in constraint_lists -%}
    {%- for constraint in constraints if constraint.get('type') == 'foreign_key' and constraint.get('to') -%}
      {%- set target_node = engine.manifest.find_node_from_ref_or_source(constraint.to) -%}
      {%- if target_node is none -%}
        {{ exceptions.raise_compiler_error("Model '" ~ node.unique_id ~ "': the foreign key target " ~ constraint.to
            ~ " matches no node") }}
      {%- endif -%}
      {%- do constraint.update({'to': api.Relation.create_from(engine.config, target_node) | string}) -%}
    {%- endfor -%}
  {%- endfor -%}
{% endmacro %}

{#- A node of another package sees that package's macros first, unqualified (dbt's MacroNamespace puts the node's
    own package before the root project): they go into `values`; `swapped` remembers the names, so that the next
    node gets the hook's own back. -#}
{% macro self_heal_package_macro_values(package, swapped, values, engine) %}
  {%- for name, macro in context[package].items() -%}
    {%- if name not in swapped -%}
      {%- do swapped.update({name: true}) -%}
      {%- if name not in engine.hook_values -%}{%- do engine.hook_values.update({name: context.get(name)}) -%}{%- endif -%}
    {%- endif -%}
    {%- do values.update({name: macro}) -%}
  {%- endfor -%}
{% endmacro %}

{#- A node's pre- and post-hooks as its context holds them, in the heal's one transaction (self_heal_node_values). -#}
{% macro self_heal_node_hooks(node) %}
  {%- set pre_hooks = [] -%}
  {%- set post_hooks = [] -%}
  {#- Pre-hooks marked before_begin run first, in place, inside the transaction: dbt's default run_hooks would send
      a `commit;` before them (dbt-duckdb's drops it; on Postgres it would commit the heal half-way). Those whose
      statement cannot run in a transaction block run after the heal's commit (self_heal_run_after_commit). -#}
  {%- set deferred = dbt_self_heal.self_heal_deferred_pre_hooks(node.config.pre_hook)
        if node.config.pre_hook | rejectattr('transaction') | first is defined else [] -%}
  {%- for hook in node.config.pre_hook if not hook.transaction and hook not in deferred -%}
    {%- set before = hook.to_dict(omit_none=true) -%}
    {%- do before.update({'transaction': true}) -%}
    {%- do pre_hooks.append(before) -%}
  {%- endfor -%}
  {%- for hook in node.config.pre_hook if hook.transaction -%}{%- do pre_hooks.append(hook.to_dict(omit_none=true)) -%}{%- endfor -%}
  {#- Post-hooks dbt runs after the node's commit (transaction: false, after_commit) run after the heal's commit
      (self_heal_run_after_commit): inside its one transaction they would see uncommitted work or be refused
      (CHECKPOINT). -#}
  {%- for hook in node.config.post_hook if hook.transaction -%}{%- do post_hooks.append(hook.to_dict(omit_none=true)) -%}{%- endfor -%}
  {{ return([pre_hooks, post_hooks]) }}
{% endmacro %}
