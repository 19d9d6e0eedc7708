{#- self_heal_dependants, called as adapter.dispatch('self_heal_dependants', 'dbt_self_heal'):
    Views the heal does not rebuild but that depend on relations it replaces. dbt-postgres replaces a table or view
    by renaming the old one aside and dropping it with CASCADE (and a seed whose columns change is dropped the same
    way), which silently takes every view built on it along. Their definitions are kept before anything is built
    (self_heal_dependants), with what else they carried (options, owner, grants, comments, a materialized view's
    indexes, triggers, rules), and the ones gone afterwards are created again from them, in dependency order, in the
    same transaction (self_heal_restore_dependants). DuckDB refuses to drop a relation that a view depends on only
    where dbt-duckdb would too: nothing to keep. -#}
{% macro default__self_heal_dependants(node_ids, check) %}{{ return([]) }}{% endmacro %}

{% macro postgres__self_heal_dependants(node_ids, check) %}
  {%- set replaced = [] -%}
  {%- set planned = [] -%}
  {%- for uid in node_ids -%}
    {%- do planned.append(dbt_self_heal.self_heal_sql_string(check['keys'][uid])) -%}
    {%- if uid not in check.missing -%}{%- do replaced.append(dbt_self_heal.self_heal_sql_string(check['keys'][uid])) -%}{%- endif -%}
  {%- endfor -%}
  {%- if not replaced -%}{{ return([]) }}{%- endif -%}
  {#- What CASCADE would also drop and the heal cannot create again: a function whose body or signature uses the
      relation or its row type, another table's column of that type, another table's policy that reads it. Such a
      relation is kept as it is (self_heal_hold_blocked), as plain dbt keeps it in a run that does not select it. -#}
  {%- set blockers -%}
    select lower(n.nspname || '.' || c.relname), pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid)
    from pg_catalog.pg_class as c
    join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
    join pg_catalog.pg_depend as d
      on d.deptype = 'n' and ((d.refclassid = 'pg_catalog.pg_class'::regclass and d.refobjid = c.oid)
                              or (d.refclassid = 'pg_catalog.pg_type'::regclass and d.refobjid = c.reltype))
    where lower(n.nspname || '.' || c.relname) in ({{ replaced | join(', ') }})
      and d.classid <> 'pg_catalog.pg_rewrite'::regclass
      and not (d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid)
      and not (d.classid = 'pg_catalog.pg_constraint'::regclass and exists (
        select 1 from pg_catalog.pg_constraint as k where k.oid = d.objid and (k.conrelid = c.oid or k.contype = 'f')))
      and not (d.classid = 'pg_catalog.pg_policy'::regclass and exists (
        select 1 from pg_catalog.pg_policy as p where p.oid = d.objid and p.polrelid = c.oid))
    order by 1, 2
  {%- endset -%}
  {%- set blocked = {} -%}
  {%- for key, object in run_query(blockers).rows -%}{%- do blocked.setdefault(key, []).append(object) -%}{%- endfor -%}
  {%- if blocked -%}{%- do check.update({'blocked': blocked}) -%}{%- endif -%}
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
           pg_catalog.obj_description(c.oid, 'pg_class'), pg_catalog.array_to_string(c.reloptions, ', '),
           pg_catalog.concat_ws(E'\x1f',
             (select pg_catalog.string_agg(pg_catalog.format('comment on column %I.%I.%I is %L', n.nspname, c.relname,
                                                             a.attname, d.description), E'\x1f' order by a.attnum)
              from pg_catalog.pg_attribute as a
              join pg_catalog.pg_description as d
                on d.objoid = c.oid and d.classoid = 'pg_catalog.pg_class'::regclass and d.objsubid = a.attnum
              where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped),
             (select pg_catalog.string_agg(pg_catalog.format('grant %s on %I.%I to %s%s', g.privilege_type, n.nspname,
                       c.relname, case when g.grantee = 0 then 'public' else pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(g.grantee)) end,
                       case when g.is_grantable then ' with grant option' else '' end), E'\x1f')
              from pg_catalog.aclexplode(c.relacl) as g where g.grantee <> c.relowner),
             (select pg_catalog.string_agg(pg_catalog.pg_get_indexdef(i.indexrelid), E'\x1f')
              from pg_catalog.pg_index as i where i.indrelid = c.oid),
             (select pg_catalog.string_agg(pg_catalog.pg_get_triggerdef(t.oid), E'\x1f')
              from pg_catalog.pg_trigger as t where t.tgrelid = c.oid and not t.tgisinternal),
             (select pg_catalog.string_agg(pg_catalog.rtrim(pg_catalog.pg_get_ruledef(r.oid), ';'), E'\x1f')
              from pg_catalog.pg_rewrite as r where r.ev_class = c.oid and r.rulename <> '_RETURN')),
           case when c.relowner <> (select oid from pg_catalog.pg_roles where rolname = current_user)
                then pg_catalog.pg_get_userbyid(c.relowner) end
    from dependants
    join pg_catalog.pg_class as c on c.oid = dependants.oid
    join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
    where lower(n.nspname || '.' || c.relname) not in ({{ planned | join(', ') }})
    group by c.oid, n.nspname, c.relname, c.relkind
    order by depth, n.nspname, c.relname
  {%- endset -%}
  {%- set found = [] -%}
  {%- for schema, name, kind, depth, definition, comment, options, extra, owner in run_query(sql).rows -%}
    {%- do found.append({'schema': schema, 'name': name, 'kind': 'materialized view' if kind == 'm' else 'view',
                         'definition': definition, 'comment': comment, 'options': options, 'extra': extra,
                         'owner': owner}) -%}
  {%- endfor -%}
  {{ return(found) }}
{% endmacro %}

{#- After the plan is built: create again, from what was kept of them, the dependants that went with it, and tell
    dbt's relation cache (dbt dropped them from it with their parent: a selected view among them would otherwise be
    created over itself). Each is tried in a block of its own: one whose definition no longer fits what was rebuilt
    is, when it is a dbt model, left dropped with a warning (plain dbt would not have touched its parent; dbt builds
    it from its code when a run selects or needs it); a view dbt does not build is the user's own, and its error
    stops the heal (nothing is kept). Changing the owner back is tried on its own: a user who may not do that gets
    the view back owned by the run's user. -#}
{% macro self_heal_restore_dependants(dependants) %}
  {%- if not dependants -%}{{ return([]) }}{%- endif -%}
  {%- set keys = [] -%}
  {%- for view in dependants -%}{%- do keys.append((view.schema ~ '.' ~ view.name) | lower) -%}{%- endfor -%}
  {%- set present = dbt_self_heal.self_heal_inspect(keys).relations -%}
  {%- set gone = [] -%}
  {%- for view in dependants if (view.schema ~ '.' ~ view.name) | lower not in present -%}
    {%- set relation = adapter.quote(view.schema) ~ "." ~ adapter.quote(view.name) -%}
    {%- set definition = view.definition | trim -%}
    {%- set statements = ["create " ~ view.kind ~ " " ~ relation ~ (" with (" ~ view.options ~ ")" if view.options else "")
                          ~ " as " ~ (definition[:-1] if definition.endswith(';') else definition)] -%}
    {%- if view.comment is not none -%}
      {%- do statements.append("comment on " ~ view.kind ~ " " ~ relation ~ " is " ~ dbt_self_heal.self_heal_sql_string(view.comment)) -%}
    {%- endif -%}
    {%- if view.extra -%}{%- do statements.extend(view.extra.split('\x1f')) -%}{%- endif -%}
    {%- do view.update({'relation': relation, 'statements': statements}) -%}
    {%- do gone.append(view) -%}
  {%- endfor -%}
  {%- set restored = [] -%}
  {%- for view in gone -%}
    {%- do dbt_self_heal.self_heal_emit({'event': 'dependant_restored', 'relation': view.schema ~ '.' ~ view.name},
        "creating " ~ view.kind ~ " " ~ view.schema ~ "." ~ view.name ~ " again: it depends on a relation the heal "
        ~ "rebuilt, which dbt-postgres drops with CASCADE") -%}
    {%- set body = [] -%}
    {%- for statement in view.statements -%}{%- do body.append("execute " ~ dbt_self_heal.self_heal_sql_string(statement) ~ ";") -%}{%- endfor -%}
    {%- if view.owner -%}
      {%- do body.append("begin execute " ~ dbt_self_heal.self_heal_sql_string("alter " ~ view.kind ~ " " ~ view.relation
                         ~ " owner to " ~ adapter.quote(view.owner)) ~ "; exception when others then null; end;") -%}
    {%- endif -%}
    {%- do run_query("do $self_heal$ begin " ~ body | join(" ") ~ " exception when others then null; end $self_heal$") -%}
  {%- endfor -%}
  {%- set now_present = dbt_self_heal.self_heal_inspect(keys).relations if gone else {} -%}
  {%- set models = {} -%}
  {%- for view in gone if (view.schema ~ '.' ~ view.name) | lower not in now_present and not models -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' -%}
      {%- do models.update({(node.schema ~ '.' ~ node.alias) | lower: node}) -%}
    {%- endfor -%}
  {%- endfor -%}
  {%- for view in gone -%}
    {%- set key = (view.schema ~ '.' ~ view.name) | lower -%}
    {%- if key in now_present -%}
      {%- do adapter.cache_added(api.Relation.create(database=target.database, schema=view.schema, identifier=view.name,
                                                      type='materialized_view' if view.kind == 'materialized view' else 'view')) -%}
      {%- do restored.append(view.schema ~ '.' ~ view.name) -%}
    {%- elif key in models -%}
      {%- do dbt_self_heal.self_heal_emit({'event': 'dependant_dropped', 'relation': view.schema ~ '.' ~ view.name,
                                           'unique_id': models[key].unique_id},
          "WARNING: " ~ view.kind ~ " " ~ view.schema ~ "." ~ view.name ~ " (model " ~ models[key].name ~ ") is left "
          ~ "dropped: it depends on a relation the heal rebuilt and no longer fits it. Plain dbt builds it from its "
          ~ "code: dbt build --select " ~ models[key].name) -%}
    {%- else -%}
      {#- The user's own view: created again outside the block, so the run stops with the database's own error. -#}
      {%- do dbt_self_heal.self_heal_emit({'event': 'dependant_failed', 'relation': view.schema ~ '.' ~ view.name},
          view.kind ~ " " ~ view.schema ~ "." ~ view.name ~ " no longer fits the relation the heal rebuilt under it "
          ~ "(the error follows): change or drop it, then rerun; nothing of this heal is kept") -%}
      {%- for statement in view.statements -%}{%- do run_query(statement) -%}{%- endfor -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(restored) }}
{% endmacro %}
