-- the config_simulation row of var simulation_year, with year bounds; fails clearly when the year is not configured
with requested as (
    select {{ var('simulation_year') }}::integer as simulation_year
),

configured as (
    select * from {{ ref('config_simulation') }}
),

configured_range as (
    select
        min(simulation_year) as first_year,
        max(simulation_year) as last_year
    from configured
),

cola as (
    select * from {{ ref('config_cola') }}
),

checked as (
    select
        requested.simulation_year as requested_year,
        configured.simulation_year as configured_year,
        configured_range.first_year,
        configured_range.last_year,
        configured.target_growth_rate,
        configured.new_hire_termination_rate,
        configured.merit_effective_date,
        configured.promotion_effective_date,
        cola.cola_rate
    from requested
    cross join configured_range
    left join configured
        on configured.simulation_year = requested.simulation_year
    left join cola
        on cola.simulation_year = requested.simulation_year
)

select
    case
        when configured_year is null then error(printf(
            'simulation_year %d is outside the configured range %d..%d in seeds/config_simulation.csv; '
            || 'pass --vars ''{simulation_year: %d}'' with a year in that range, or add a row for %d to that seed',
            requested_year, first_year, last_year, first_year, requested_year
        ))
        when cola_rate is null then error(printf(
            'simulation_year %d has no cola_rate in seeds/config_cola.csv; add a row for %d to that seed',
            requested_year, requested_year
        ))
        else configured_year
    end as simulation_year,
    make_date(requested_year, 1, 1) as year_start_date,
    make_date(requested_year, 12, 31) as year_end_date,
    (make_date(requested_year, 12, 31) - make_date(requested_year, 1, 1) + 1)::integer as days_in_year,
    first_year,
    last_year,
    target_growth_rate,
    new_hire_termination_rate,
    merit_effective_date,
    promotion_effective_date,
    cola_rate
from checked
