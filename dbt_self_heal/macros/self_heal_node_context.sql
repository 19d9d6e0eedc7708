{#- A node's own runtime context, built inside the on-run-start hook.

    dbt compiles and materializes a node with a context generated for that node (context/providers.py,
    generate_runtime_model_context), which no Jinja code can call. The hook's context is a live dict that every macro
    reads when it is called, so the heal swaps in the node's values for the entries that differ between nodes
    (model, this, config, ref, source, var, database, schema, pre/post hooks, sql) while it compiles and
    materializes the node, and restores them afterwards. Values come from dbt's own objects wherever possible:
    the manifest's node, its `resolve_ref` / `resolve_source` (versions, latest_version, packages), the ref
    resolver's `create_relation` (--empty limits, defer) and `api.Relation.create_from` (quoting policy). -#}

{#- The engine shared by the macros below: dbt's manifest and runtime config, reached through the hook's ref
    resolver, and the stack of nodes being compiled (an ephemeral parent is compiled inside its child). -#}
{% macro self_heal_engine() %}
  {%- if 'self_heal__engine_state' not in context -%}
    {%- set resolver = dbt_self_heal.self_heal_resolver() -%}
    {%- do context.update({'self_heal__engine_state': {
        'resolver': resolver, 'manifest': resolver.manifest, 'config': resolver.config, 'stack': [],
        'hook_values': {}}}) -%}
  {%- endif -%}
  {{ return(context['self_heal__engine_state']) }}
{% endmacro %}

{#- dbt's own ref resolver (it holds the manifest and the runtime config). A project may define its own `ref`
    macro, which then replaces `ref` in every context; dbt's stays reachable as `builtins.ref`. -#}
{% macro self_heal_resolver() %}
  {{ return(context['builtins']['ref'] if 'builtins' in context else context['ref']) }}
{% endmacro %}

{#- Enter a node: push its frame and swap its values into the context; returns the frame. -#}
{% macro self_heal_enter_node(node, compiled_sql=none) %}
  {%- set engine = dbt_self_heal.self_heal_engine() -%}
  {%- if not engine.stack -%}
    {%- for key in dbt_self_heal.self_heal_node_context_keys() -%}
      {%- do engine.hook_values.update({key: context.get(key)}) -%}
    {%- endfor -%}
  {%- endif -%}
  {%- set frame = {'node': node, 'ctes': [], 'sql': compiled_sql} -%}
  {%- do engine.stack.append(frame) -%}
  {%- do context.update(dbt_self_heal.self_heal_node_values(frame)) -%}
  {{ return(frame) }}
{% endmacro %}

{#- Leave the innermost node: the context gets the enclosing node's values back, or the hook's own. -#}
{% macro self_heal_leave_node() %}
  {%- set engine = dbt_self_heal.self_heal_engine() -%}
  {%- do engine.stack.pop() -%}
  {%- if engine.stack -%}
    {%- do context.update(dbt_self_heal.self_heal_node_values(engine.stack[-1])) -%}
  {%- else -%}
    {%- do context.update(engine.hook_values) -%}
  {%- endif -%}
{% endmacro %}

{% macro self_heal_node_context_keys() %}
  {{ return(['model', 'this', 'config', 'ref', 'source', 'var', 'database', 'schema', 'pre_hooks', 'post_hooks',
             'sql', 'compiled_code', 'write', 'defer_relation', 'self_heal_config_call', 'builtins',
             'selected_resources']) }}
{% endmacro %}

{% macro self_heal_node_values(frame) %}
  {%- set engine = dbt_self_heal.self_heal_engine() -%}
  {%- set node = frame.node -%}
  {%- set model = node.to_dict(omit_none=true) -%}
  {#- As dbt does for the model variable: contract types aliased to the adapter's type names. -#}
  {%- if node.contract is defined and node.contract.alias_types -%}
    {%- for column in model.get('columns', {}).values() if column.get('data_type') -%}
      {%- do column.update({'data_type': api.Column.translate_type(column.data_type)}) -%}
    {%- endfor -%}
  {%- endif -%}
  {#- As dbt's compiler does: a foreign key's `to: ref(...)` / `source(...)` becomes the relation's name. -#}
  {%- set constraint_lists = [model.get('constraints', [])] -%}
  {%- for column in model.get('columns', {}).values() -%}{%- do constraint_lists.append(column.get('constraints', [])) -%}{%- endfor -%}
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
  {%- if frame.sql is not none -%}
    {%- do model.update({'compiled_code': frame.sql, 'compiled_sql': frame.sql, 'compiled': true,
                         'extra_ctes_injected': true}) -%}
  {%- endif -%}
  {%- set pre_hooks = [] -%}
  {%- set post_hooks = [] -%}
  {%- for hook in node.config.pre_hook -%}{%- do pre_hooks.append(hook.to_dict(omit_none=true)) -%}{%- endfor -%}
  {#- Post-hooks dbt runs after the node's commit (transaction: false, after_commit) run after the heal's commit
      (self_heal_run_after_commit): inside its one transaction they would see uncommitted work or be refused
      (CHECKPOINT). Pre-hooks marked before_begin run in place, inside the transaction. -#}
  {%- for hook in node.config.post_hook if hook.transaction -%}{%- do post_hooks.append(hook.to_dict(omit_none=true)) -%}{%- endfor -%}
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
  {%- set package = node.package_name -%}
  {%- if package != engine.config.project_name and context.get(package) is mapping -%}
    {%- for name, macro in context[package].items() -%}
      {%- if name not in swapped -%}
        {%- do swapped.update({name: true}) -%}
        {%- if name not in engine.hook_values -%}{%- do engine.hook_values.update({name: context.get(name)}) -%}{%- endif -%}
      {%- endif -%}
      {%- do values.update({name: macro}) -%}
    {%- endfor -%}
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
      'pre_hooks': pre_hooks,
      'post_hooks': post_hooks,
      'sql': frame.sql,
      'compiled_code': frame.sql,
      'write': dbt_self_heal.self_heal_noop,
      'defer_relation': none,
      'selected_resources': engine.get('building') or engine.hook_values.selected_resources,
  }) -%}
  {{ return(values) }}
{% endmacro %}

{% macro self_heal_current_node() %}
  {{ return(dbt_self_heal.self_heal_engine().stack[-1].node) }}
{% endmacro %}

{#- Accepts and ignores any arguments (Jinja lets a macro that mentions varargs/kwargs take them). -#}
{% macro self_heal_noop() %}{%- if varargs or kwargs -%}{%- endif -%}{{ return('') }}{% endmacro %}

{#- ref() as the node's own resolver answers it; an ephemeral parent becomes a CTE the compiler injects. -#}
{% macro self_heal_node_ref(first, second=none, version=none, v=none) %}
  {%- set engine = dbt_self_heal.self_heal_engine() -%}
  {%- set frame = engine.stack[-1] -%}
  {%- set name = second if second is not none else first -%}
  {%- set package = first if second is not none else none -%}
  {%- set wanted = version if version is not none else v -%}
  {%- set target = engine.manifest.resolve_ref(frame.node, name, package, wanted, engine.config.project_name,
                                               frame.node.package_name) -%}
  {%- if target is none or target.unique_id is not defined -%}
    {{ exceptions.raise_compiler_error("Model '" ~ frame.node.unique_id ~ "' depends on a node named '" ~ name
        ~ "'" ~ (" with version '" ~ wanted ~ "'" if wanted is not none else "") ~ " which "
        ~ ("is disabled" if target is not none else "was not found")) }}
  {%- endif -%}
  {%- if target.is_ephemeral_model -%}
    {%- if target.unique_id not in frame.ctes -%}{%- do frame.ctes.append(target.unique_id) -%}{%- endif -%}
    {{ return(api.Relation.create_ephemeral_from(target, limit=engine.resolver.resolve_limit)) }}
  {%- endif -%}
  {{ return(engine.resolver.create_relation(target)) }}
{% endmacro %}

{#- source() as dbt resolves it for the node's package; source quoting ignores project-level quoting (dbt docs). -#}
{% macro self_heal_node_source(source_name, table_name) %}
  {%- set engine = dbt_self_heal.self_heal_engine() -%}
  {%- set node = engine.stack[-1].node -%}
  {%- set target = engine.manifest.resolve_source(source_name, table_name, engine.config.project_name,
                                                  node.package_name) -%}
  {%- if target is none or target.unique_id is not defined -%}
    {{ exceptions.raise_compiler_error("Model '" ~ node.unique_id ~ "' depends on a source named '" ~ source_name
        ~ "." ~ table_name ~ "' which was not found") }}
  {%- endif -%}
  {{ return(api.Relation.create_from(namespace(quoting={}), target, limit=engine.resolver.resolve_limit)) }}
{% endmacro %}

{#- var() scoped as dbt scopes it for the node (context/providers.py ModelConfiguredVar): --vars, then the root
    project's vars for the node's package and its global vars, then the node's own package's. -#}
{% macro self_heal_node_var(name, default='__self_heal_no_default__') %}
  {%- set node = dbt_self_heal.self_heal_current_node() -%}
  {%- set value = dbt_self_heal.self_heal_var_for(node, name, default) -%}
  {%- if value == '__self_heal_no_default__' -%}
    {{ exceptions.raise_compiler_error("Required var '" ~ name ~ "' not found in config:\nVars supplied to "
        ~ node.name ~ " = {}") }}
  {%- endif -%}
  {{ return(value) }}
{% endmacro %}

{% macro self_heal_var_for(node, name, default) %}
  {%- set config = context['builtins']['ref'].config if 'self_heal__engine_state' not in context
                   else context['self_heal__engine_state'].config -%}
  {%- set found = namespace(value=default, done=false) -%}
  {%- if name in config.cli_vars -%}{%- set found.value = config.cli_vars[name] -%}{%- set found.done = true -%}{%- endif -%}
  {%- set projects = [config] -%}
  {%- if not found.done and node.package_name != config.project_name -%}
    {%- set dependency = config.load_dependencies().get(node.package_name) -%}
    {%- if dependency -%}{%- do projects.append(dependency) -%}{%- endif -%}
  {%- endif -%}
  {%- for project in projects if not found.done -%}
    {%- set declared = project.vars.vars -%}
    {%- set scoped = declared.get(node.package_name) -%}
    {%- if scoped is mapping and name in scoped -%}{%- set found.value = scoped[name] -%}{%- set found.done = true -%}
    {%- elif name in declared -%}{%- set found.value = declared[name] -%}{%- set found.done = true -%}{%- endif -%}
  {%- endfor -%}
  {#- As dbt's var(): a string value is rendered as Jinja (e.g. "{{ target.name }}") when it is read. -#}
  {%- if found.value is string and ('{{' in found.value or '{%' in found.value) -%}{{ return(render(found.value)) }}{%- endif -%}
  {{ return(found.value) }}
{% endmacro %}

{#- config.get / require / ... read the node's config, as RuntimeConfigObject does. -#}
{% macro self_heal_config_get(name, default=none, validator=none) %}
  {%- set value = dbt_self_heal.self_heal_current_node().config.get(name, default) -%}
  {#- dbt's --full-refresh applies to the nodes the run selects; the heal builds nodes the run did not select, which
      plain dbt would not touch, so an existing incremental ancestor keeps its history (should_full_refresh() reads
      this before flags.FULL_REFRESH). A node configured full_refresh: true keeps it. -#}
  {%- if name == 'full_refresh' and value is none -%}{{ return(false) }}{%- endif -%}
  {{ return(value) }}
{% endmacro %}

{% macro self_heal_config_require(name, validator=none) %}
  {%- set value = dbt_self_heal.self_heal_current_node().config.get(name, '__self_heal_missing__') -%}
  {%- if value == '__self_heal_missing__' -%}
    {{ exceptions.raise_compiler_error("Model '" ~ dbt_self_heal.self_heal_current_node().unique_id
        ~ "' does not define a required config parameter '" ~ name ~ "'.") }}
  {%- endif -%}
  {{ return(value) }}
{% endmacro %}

{% macro self_heal_config_meta_get(name, default=none, validator=none) %}
  {{ return(dbt_self_heal.self_heal_current_node().config.meta_get(name, default)) }}
{% endmacro %}

{% macro self_heal_config_meta_require(name, validator=none) %}
  {{ return(dbt_self_heal.self_heal_current_node().config.meta_get(name)) }}
{% endmacro %}

{% macro self_heal_config_set(name, value) %}{{ return('') }}{% endmacro %}

{% macro self_heal_config_persist_relation_docs() %}
  {{ return((dbt_self_heal.self_heal_current_node().config.get('persist_docs') or {}).get('relation', false)) }}
{% endmacro %}

{% macro self_heal_config_persist_column_docs() %}
  {{ return((dbt_self_heal.self_heal_current_node().config.get('persist_docs') or {}).get('columns', false)) }}
{% endmacro %}
