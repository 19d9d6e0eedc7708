-- `selfheal init` runs `dbt test --select tag:self_heal_init`: selecting only this test makes the hook heal every
-- relation it reads (the configuration seeds and foundation models), and the test then fails if any is empty.
{{ config(tags=['self_heal_init']) }}
{% set required = ['config_age_bands', 'config_tenure_bands', 'config_job_levels', 'config_merit_rates', 'config_cola',
                   'config_termination_hazards', 'config_promotion_hazards', 'config_benefit_plans',
                   'config_simulation', 'int_baseline_workforce', 'int_employee_compensation_by_year',
                   'int_employee_benefits'] %}
{% for name in required %}
select '{{ name }}' as empty_relation from {{ ref(name) }} having count(*) = 0
{% if not loop.last %}union all{% endif %}
{% endfor %}
