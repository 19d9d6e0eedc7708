-- each baseline employee's pay for simulation_year before promotions: starting pay, merit and COLA, projected and earned pay
with parameters as (
    select * from {{ ref('stg_simulation_parameters') }}
),

baseline as (
    select * from {{ ref('int_baseline_workforce') }}
),

merit_rates as (
    select * from {{ ref('config_merit_rates') }}
),

projected as (
    select
        baseline.employee_id,
        baseline.simulation_year,
        baseline.job_level,
        baseline.annual_compensation as starting_compensation,
        merit_rates.merit_rate,
        parameters.cola_rate,
        parameters.merit_effective_date,
        round(baseline.annual_compensation * (1 + merit_rates.merit_rate + parameters.cola_rate), 2)
            as projected_compensation,
        -- days paid at the old rate before the increase, and at the new rate from the effective date on
        (parameters.merit_effective_date - parameters.year_start_date)::integer as days_before_increase,
        (parameters.year_end_date - parameters.merit_effective_date + 1)::integer as days_after_increase,
        parameters.days_in_year
    from baseline
    cross join parameters
    left join merit_rates
        on baseline.job_level = merit_rates.job_level
)

select
    employee_id::varchar as employee_id,
    simulation_year::integer as simulation_year,
    job_level::integer as job_level,
    starting_compensation::double as starting_compensation,
    merit_rate::double as merit_rate,
    cola_rate::double as cola_rate,
    merit_effective_date::date as merit_effective_date,
    projected_compensation::double as projected_compensation,
    round(
        (starting_compensation * days_before_increase + projected_compensation * days_after_increase) / days_in_year,
        2
    )::double as earned_compensation
from projected
