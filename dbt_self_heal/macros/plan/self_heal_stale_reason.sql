{#- Why a recorded relation is stale: its recorded parts against the current ones, in words. -#}
{% macro self_heal_stale_reason(node, recorded_parts, parts, built_at, rebuilt) %}
  {%- set old = recorded_parts or {} -%}
  {%- set reasons = [] -%}
  {%- if old.get('kind') != parts.kind -%}{%- do reasons.append("materialization changed") -%}{%- endif -%}
  {%- if old.get('code') != parts.code or old.get('inputs', {}).get('seed file') != parts.inputs.get('seed file') -%}
    {%- if node.resource_type == 'seed' -%}
      {%- do reasons.append(node.original_file_path ~ " changed since it was loaded at " ~ built_at) -%}
    {%- else -%}
      {%- do reasons.append("code of " ~ node.name ~ " changed") -%}
    {%- endif -%}
  {%- endif -%}
  {%- if old.get('config') != parts.config -%}{%- do reasons.append("config of " ~ node.name ~ " changed") -%}{%- endif -%}
  {%- for name, value in parts.vars.items() if old.get('vars', {}).get(name, none) != value -%}
    {%- set before = old.get('vars', {}).get(name, none) -%}
    {%- do reasons.append(("" if name.startswith('target.') else "var ") ~ name ~ " "
                          ~ ("(unset)" if before is none else before) ~ " → " ~ ("(unset)" if value is none else value)) -%}
  {%- endfor -%}
  {%- for name, value in parts.env_vars.items() if old.get('env_vars', {}).get(name) != value -%}
    {%- do reasons.append("env var " ~ name ~ " changed") -%}
  {%- endfor -%}
  {%- for label, value in parts.inputs.items() if label != 'seed file' and old.get('inputs', {}).get(label) != value -%}
    {%- do reasons.append("input file of " ~ label ~ " (" ~ dbt_self_heal.self_heal_var_for(node, label[4:], '') ~ ") changed since " ~ built_at) -%}
  {%- endfor -%}
  {%- if old.get('macros') != parts.macros -%}{%- do reasons.append("a macro it calls changed") -%}{%- endif -%}
  {%- if old.get('empty') != parts.empty -%}
    {%- do reasons.append("built with --empty" if old.get('empty') else "a run with --empty") -%}
  {%- endif -%}
  {%- for parent, fingerprint in parts.parents.items() if old.get('parents', {}).get(parent) != fingerprint -%}
    {%- set name = parent.split('.')[-1] if parent not in graph.nodes else graph.nodes[parent].name -%}
    {%- do reasons.append("parent " ~ name ~ (" is rebuilt" if parent in rebuilt else " changed")) -%}
  {%- endfor -%}
  {{ return(reasons | join('; ') if reasons else "its fingerprint changed") }}
{% endmacro %}
