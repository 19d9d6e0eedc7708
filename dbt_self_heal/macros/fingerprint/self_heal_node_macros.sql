{#- Fingerprints: what determines a relation's contents, hashed, so a relation built from other inputs is found
    stale (dbt_self_heal/README.md, "Stale relations"). A node's parts: its kind, its code (dbt's checksum of the
    file; for seeds over 1 MiB, where dbt keeps only the path, the content hash), the config that shapes the
    relation, the values of the vars and env vars its code and its project macros read, its declared input files
    (content hashes), the code of those macros, whether it was built under --empty, and its parents' fingerprints,
    so a change propagates downstream. Only names and hashes are stored for env vars. -#}

{#- Project macros a node calls, transitively (dbt's own and the adapter's macros change only with versions).
    dbt records a node's macros while parsing, when `execute` is false, so a macro called only inside
    `{% if execute %}` is missing from depends_on; `calls` adds those found in the node's code by name. -#}
{% macro self_heal_node_macros(node, manifest, memo, calls=[]) %}
  {%- set found = [] -%}
  {%- set queue = (node.depends_on.macros | list) + calls -%}
  {%- for uid in queue if uid not in found -%}
    {%- set macro = manifest.macros.get(uid) -%}
    {%- if macro and macro.package_name not in ['dbt', 'dbt_' ~ adapter.type()] -%}
      {%- do found.append(uid) -%}
      {%- do queue.extend(macro.depends_on.macros) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(found | sort) }}
{% endmacro %}
