-- per baseline employee: deterministic termination, merit and promotion outcomes for simulation_year and the resulting pay
-- draws map hash(employee_id|year|kind) to [0, 1): the top 53 bits of the 64-bit hash over 2^53
with parameters as (
    select * from {{ ref('stg_simulation_parameters') }}
),

baseline as (
    select * from {{ ref('int_baseline_workforce') }}
),

compensation as (
    select * from {{ ref('int_employee_compensation_by_year') }}
),

termination_hazards as (
    select * from {{ ref('config_termination_hazards') }}
),

promotion_hazards as (
    select * from {{ ref('config_promotion_hazards') }}
),

job_levels as (
    select * from {{ ref('config_job_levels') }}
),

draws as (
    select
        baseline.employee_id,
        baseline.simulation_year,
        (hash(baseline.employee_id || '|' || baseline.simulation_year::varchar || '|termination') >> 11)::double
        / 9007199254740992.0 as termination_draw,
        (hash(baseline.employee_id || '|' || baseline.simulation_year::varchar || '|termination_day') >> 11)::double
        / 9007199254740992.0 as termination_day_draw,
        (hash(baseline.employee_id || '|' || baseline.simulation_year::varchar || '|promotion') >> 11)::double
        / 9007199254740992.0 as promotion_draw
    from baseline
),

terminations as (
    select
        baseline.employee_id,
        coalesce(termination_hazards.termination_rate, 0.0) as termination_rate,
        draws.termination_draw,
        draws.termination_draw < coalesce(termination_hazards.termination_rate, 0.0) as is_terminated,
        case
            when draws.termination_draw < coalesce(termination_hazards.termination_rate, 0.0)
                then parameters.year_start_date + floor(draws.termination_day_draw * parameters.days_in_year)::integer
        end as termination_date
    from baseline
    cross join parameters
    inner join draws
        on baseline.employee_id = draws.employee_id
    left join termination_hazards
        on
            baseline.age_band_id = termination_hazards.age_band_id
            and baseline.tenure_band_id = termination_hazards.tenure_band_id
),

merits as (
    select
        baseline.employee_id,
        -- a change effective on or after the termination date is not applied
        (
            terminations.termination_date is null
            or terminations.termination_date > parameters.merit_effective_date
        ) as received_merit,
        compensation.merit_rate,
        compensation.cola_rate,
        compensation.starting_compensation,
        case
            when
                terminations.termination_date is null
                or terminations.termination_date > parameters.merit_effective_date
                then compensation.projected_compensation
            else compensation.starting_compensation
        end as compensation_after_merit
    from baseline
    cross join parameters
    inner join terminations
        on baseline.employee_id = terminations.employee_id
    inner join compensation
        on baseline.employee_id = compensation.employee_id
),

promotions as (
    select
        baseline.employee_id,
        coalesce(promotion_hazards.promotion_rate, 0.0) as promotion_rate,
        draws.promotion_draw,
        (
            next_level.job_level is not null
            and (
                terminations.termination_date is null
                or terminations.termination_date > parameters.promotion_effective_date
            )
            and draws.promotion_draw < coalesce(promotion_hazards.promotion_rate, 0.0)
        ) as is_promoted,
        next_level.job_level as next_job_level,
        next_level.promotion_raise_rate as next_level_raise_rate,
        next_level.min_compensation as next_level_min_compensation
    from baseline
    cross join parameters
    inner join draws
        on baseline.employee_id = draws.employee_id
    inner join terminations
        on baseline.employee_id = terminations.employee_id
    left join promotion_hazards
        on
            baseline.job_level = promotion_hazards.job_level
            and baseline.tenure_band_id = promotion_hazards.tenure_band_id
    left join job_levels as next_level
        on baseline.job_level + 1 = next_level.job_level
)

select
    baseline.employee_id::varchar as employee_id,
    baseline.simulation_year::integer as simulation_year,
    baseline.birth_date::date as birth_date,
    baseline.hire_date::date as hire_date,
    baseline.department::varchar as department,
    baseline.age_band_id::integer as age_band_id,
    baseline.tenure_band_id::integer as tenure_band_id,
    baseline.job_level::integer as starting_job_level,
    merits.starting_compensation::double as starting_compensation,
    terminations.termination_rate::double as termination_rate,
    terminations.termination_draw::double as termination_draw,
    terminations.is_terminated::boolean as is_terminated,
    terminations.termination_date::date as termination_date,
    merits.received_merit::boolean as received_merit,
    parameters.merit_effective_date::date as merit_effective_date,
    merits.merit_rate::double as merit_rate,
    merits.cola_rate::double as cola_rate,
    merits.compensation_after_merit::double as compensation_after_merit,
    promotions.promotion_rate::double as promotion_rate,
    promotions.promotion_draw::double as promotion_draw,
    promotions.is_promoted::boolean as is_promoted,
    parameters.promotion_effective_date::date as promotion_effective_date,
    (case when promotions.is_promoted then promotions.next_job_level else baseline.job_level end)::integer
        as final_job_level,
    (
        case
            when promotions.is_promoted
                then round(
                    greatest(
                        merits.compensation_after_merit * (1 + promotions.next_level_raise_rate),
                        promotions.next_level_min_compensation
                    ),
                    2
                )
            else merits.compensation_after_merit
        end
    )::double as final_compensation
from baseline
cross join parameters
inner join terminations
    on baseline.employee_id = terminations.employee_id
inner join merits
    on baseline.employee_id = merits.employee_id
inner join promotions
    on baseline.employee_id = promotions.employee_id
