{#- self_heal_dependants, called as adapter.dispatch('self_heal_dependants', 'dbt_self_heal'):
    Views the heal does not rebuild but that depend on relations it replaces. dbt-postgres replaces a table or view
    by renaming the old one aside and dropping it with CASCADE (and a seed whose columns change is dropped the same
    way), which silently takes every view built on it along. Their definitions are kept before anything is built
    (self_heal_dependants) and the ones gone afterwards are created again from them, in dependency order, in the
    same transaction (self_heal_restore_dependants): a view that no longer fits fails the heal, naming it.
    DuckDB refuses to drop a relation that a view depends on only where dbt-duckdb would too: nothing to keep. -#}
{% macro default__self_heal_dependants(node_ids, check) %}{{ return([]) }}{% endmacro %}

{% macro postgres__self_heal_dependants(node_ids, check) %}
  {%- set replaced = [] -%}
  {%- set planned = [] -%}
  {%- for uid in node_ids -%}
    {%- do planned.append(dbt_self_heal.self_heal_sql_string(check['keys'][uid])) -%}
    {%- if uid not in check.missing -%}{%- do replaced.append(dbt_self_heal.self_heal_sql_string(check['keys'][uid])) -%}{%- endif -%}
  {%- endfor -%}
  {%- if not replaced -%}{{ return([]) }}{%- endif -%}
  {%- set sql -%}
    with recursive dependants(oid, depth) as (
      select r.ev_class, 1
      from pg_catalog.pg_depend as d
      join pg_catalog.pg_rewrite as r on r.oid = d.objid
      join pg_catalog.pg_class as c on c.oid = d.refobjid
      join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
      where d.classid = 'pg_catalog.pg_rewrite'::regclass and d.refclassid = 'pg_catalog.pg_class'::regclass
        and r.ev_class <> d.refobjid and lower(n.nspname || '.' || c.relname) in ({{ replaced | join(', ') }})
      union
      select r.ev_class, dependants.depth + 1
      from dependants
      join pg_catalog.pg_depend as d on d.refobjid = dependants.oid
      join pg_catalog.pg_rewrite as r on r.oid = d.objid
      where d.classid = 'pg_catalog.pg_rewrite'::regclass and d.refclassid = 'pg_catalog.pg_class'::regclass
        and r.ev_class <> d.refobjid
    )
    select n.nspname, c.relname, c.relkind, max(dependants.depth) as depth, pg_catalog.pg_get_viewdef(c.oid),
           pg_catalog.obj_description(c.oid, 'pg_class')
    from dependants
    join pg_catalog.pg_class as c on c.oid = dependants.oid
    join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
    where lower(n.nspname || '.' || c.relname) not in ({{ planned | join(', ') }})
    group by c.oid, n.nspname, c.relname, c.relkind
    order by depth, n.nspname, c.relname
  {%- endset -%}
  {%- set found = [] -%}
  {%- for schema, name, kind, depth, definition, comment in run_query(sql).rows -%}
    {%- do found.append({'schema': schema, 'name': name, 'kind': 'materialized view' if kind == 'm' else 'view',
                         'definition': definition, 'comment': comment}) -%}
  {%- endfor -%}
  {{ return(found) }}
{% endmacro %}

{#- After the plan is built: create again, from their kept definitions, the dependants that went with it. -#}
{% macro self_heal_restore_dependants(dependants) %}
  {%- if not dependants -%}{{ return([]) }}{%- endif -%}
  {%- set keys = [] -%}
  {%- for view in dependants -%}{%- do keys.append((view.schema ~ '.' ~ view.name) | lower) -%}{%- endfor -%}
  {%- set present = dbt_self_heal.self_heal_inspect(keys).relations -%}
  {%- set restored = [] -%}
  {%- for view in dependants if (view.schema ~ '.' ~ view.name) | lower not in present -%}
    {%- set relation = adapter.quote(view.schema) ~ "." ~ adapter.quote(view.name) -%}
    {%- do dbt_self_heal.self_heal_emit({'event': 'dependant_restored', 'relation': view.schema ~ '.' ~ view.name},
        "creating " ~ view.kind ~ " " ~ view.schema ~ "." ~ view.name ~ " again: it depends on a relation the heal "
        ~ "rebuilt, which dbt-postgres drops with CASCADE (if this fails, the view no longer fits what was rebuilt: "
        ~ "change or drop it, then rerun)") -%}
    {%- do run_query("create " ~ view.kind ~ " " ~ relation ~ " as " ~ view.definition) -%}
    {%- if view.comment is not none -%}
      {%- do run_query("comment on " ~ view.kind ~ " " ~ relation ~ " is " ~ dbt_self_heal.self_heal_sql_string(view.comment)) -%}
    {%- endif -%}
    {%- do restored.append(view.schema ~ '.' ~ view.name) -%}
  {%- endfor -%}
  {{ return(restored) }}
{% endmacro %}
