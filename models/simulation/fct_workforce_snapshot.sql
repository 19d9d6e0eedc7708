-- the workforce at the end of simulation_year: everyone employed at any point in the year, with year-end status and pay
with parameters as (
    select * from {{ ref('stg_simulation_parameters') }}
),

experienced as (
    select * from {{ ref('int_experienced_outcomes') }}
),

new_hires as (
    select * from {{ ref('int_new_hires') }}
),

age_bands as (
    select * from {{ ref('config_age_bands') }}
),

tenure_bands as (
    select * from {{ ref('config_tenure_bands') }}
),

workforce as (
    select
        employee_id,
        simulation_year,
        false as is_new_hire,
        birth_date,
        hire_date,
        termination_date,
        is_terminated,
        department,
        starting_job_level,
        final_job_level,
        starting_compensation,
        final_compensation,
        is_promoted
    from experienced
    union all
    select
        employee_id,
        simulation_year,
        true as is_new_hire,
        birth_date,
        hire_date,
        termination_date,
        is_terminated,
        department,
        null::integer as starting_job_level,
        job_level as final_job_level,
        null::double as starting_compensation,
        annual_compensation as final_compensation,
        false as is_promoted
    from new_hires
),

measured as (
    -- leavers are measured on their termination date, everyone else on the last day of the year
    select
        workforce.*,
        coalesce(workforce.termination_date, parameters.year_end_date) as measured_on,
        date_sub('year', workforce.birth_date, coalesce(workforce.termination_date, parameters.year_end_date))
            as age,
        date_sub('year', workforce.hire_date, coalesce(workforce.termination_date, parameters.year_end_date))
            as tenure_years
    from workforce
    cross join parameters
)

select
    measured.employee_id::varchar as employee_id,
    measured.simulation_year::integer as simulation_year,
    (case when measured.is_terminated then 'terminated' else 'active' end)::varchar as employment_status,
    measured.is_new_hire::boolean as is_new_hire,
    measured.is_promoted::boolean as is_promoted,
    measured.birth_date::date as birth_date,
    measured.hire_date::date as hire_date,
    measured.termination_date::date as termination_date,
    measured.measured_on::date as measured_on,
    measured.age::integer as age,
    measured.tenure_years::integer as tenure_years,
    age_bands.band_id::integer as age_band_id,
    tenure_bands.band_id::integer as tenure_band_id,
    measured.department::varchar as department,
    measured.starting_job_level::integer as starting_job_level,
    measured.final_job_level::integer as job_level,
    measured.starting_compensation::double as starting_compensation,
    measured.final_compensation::double as final_compensation
from measured
left join age_bands
    on
        measured.age >= age_bands.min_value
        and measured.age < age_bands.max_value
left join tenure_bands
    on
        measured.tenure_years >= tenure_bands.min_value
        and measured.tenure_years < tenure_bands.max_value
