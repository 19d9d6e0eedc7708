{#- One hash of everything fingerprints are made of, for the whole project: every file dbt read (its checksums),
    --vars and the projects' vars, the env vars dbt saw while parsing, the target, --empty, and the size and
    modification time of the files fingerprints cover. Computed by dbt's objects and filters, not per node.
    In two steps: without `stats`, the digest of the project alone (its `base`, which also keys the recorded plans
    of self_heal_check_recorded); with them, the digest of that base and the files' stats. -#}
{% macro self_heal_project_digest(stats=none, base=none) %}
  {%- if base is not none -%}{{ return(local_md5(base ~ '|' ~ tojson(stats, sort_keys=true))) }}{%- endif -%}
  {%- set resolver = context['builtins']['ref'] -%}{#- self_heal_resolver(), inline: this runs on every run -#}
  {%- set manifest, config = resolver.manifest, resolver.config -%}
  {%- set project_vars = [config.vars.vars] -%}
  {%- for project in config.load_dependencies().values() -%}{%- do project_vars.append(project.vars.vars) -%}{%- endfor -%}
  {%- set env_values = {} -%}
  {%- for name in manifest.env_vars -%}{%- do env_values.update({name: env_var(name, '__self_heal_unset__')}) -%}{%- endfor -%}
  {#- Vars as Python writes them, not JSON: YAML vars may hold dates, which JSON cannot (their order is the order
      they are written in, which is what changes them). -#}
  {#- dbt's own parse-state hashes: every project's dbt_project.yml (config set there, hooks, dispatch), the vars,
      and the env vars dbt_project.yml and profiles.yml read (manifest.files holds neither file). -#}
  {%- set state = manifest.state_check -%}
  {%- set parse_state = [] if state is none else [
        state.vars_hash.checksum, state.project_env_vars_hash.checksum, state.profile_env_vars_hash.checksum,
        state.project_hashes.values() | map(attribute='checksum') | sort | list] -%}
  {%- set base = local_md5(manifest.files.values() | map(attribute='checksum') | map(attribute='checksum') | sort | join(',')
      ~ '|' ~ (config.cli_vars | string) ~ (project_vars | string)
      ~ '|' ~ tojson([target.name, target.database, target.schema, flags.EMPTY is true, config.project_root, parse_state],
                     sort_keys=true)
      ~ '|' ~ local_md5(tojson(env_values, sort_keys=true))) -%}
  {{ return(base if stats is none else local_md5(base ~ '|' ~ tojson(stats, sort_keys=true))) }}
{% endmacro %}
