{#- The files whose content a node's fingerprint covers: declared inputs (by var) and seeds dbt does not hash. -#}
{% macro self_heal_node_files(node) %}
  {%- set files = {} -%}
  {%- if node.resource_type == 'seed' and node.checksum.name != 'sha256' -%}
    {%- do files.update({'seed file': node.root_path ~ '/' ~ node.original_file_path}) -%}
  {%- endif -%}
  {%- set declared = ((node.config.get('meta') or {}).get('self_heal') or {}).get('inputs', []) -%}
  {%- for var_name in ([declared] if declared is string else declared) -%}
    {%- set path = dbt_self_heal.self_heal_var_for(node, var_name, none) -%}
    {%- if path -%}{%- do files.update({'var ' ~ var_name: path | string}) -%}{%- endif -%}
  {%- endfor -%}
  {{ return(files) }}
{% endmacro %}
