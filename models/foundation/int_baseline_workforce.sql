-- active employees at the start of simulation_year with age, tenure and their bands: the simulation's starting population
with parameters as (
    select * from {{ ref('stg_simulation_parameters') }}
),

census as (
    select * from {{ ref('stg_census') }}
),

age_bands as (
    select * from {{ ref('config_age_bands') }}
),

tenure_bands as (
    select * from {{ ref('config_tenure_bands') }}
),

active_at_start as (
    select
        census.employee_id,
        parameters.simulation_year,
        census.birth_date,
        census.hire_date,
        date_sub('year', census.birth_date, parameters.year_start_date)::integer as age,
        date_sub('year', census.hire_date, parameters.year_start_date)::integer as tenure_years,
        census.job_level,
        census.annual_compensation,
        census.deferral_rate,
        census.department
    from census
    cross join parameters
    where
        census.employee_status = 'active'
        and census.hire_date < parameters.year_start_date
)

select
    active_at_start.employee_id::varchar as employee_id,
    active_at_start.simulation_year::integer as simulation_year,
    active_at_start.birth_date::date as birth_date,
    active_at_start.hire_date::date as hire_date,
    active_at_start.age::integer as age,
    active_at_start.tenure_years::integer as tenure_years,
    age_bands.band_id::integer as age_band_id,
    tenure_bands.band_id::integer as tenure_band_id,
    active_at_start.job_level::integer as job_level,
    active_at_start.annual_compensation::double as annual_compensation,
    active_at_start.deferral_rate::double as deferral_rate,
    active_at_start.department::varchar as department
from active_at_start
left join age_bands
    on
        active_at_start.age >= age_bands.min_value
        and active_at_start.age < age_bands.max_value
left join tenure_bands
    on
        active_at_start.tenure_years >= tenure_bands.min_value
        and active_at_start.tenure_years < tenure_bands.max_value
