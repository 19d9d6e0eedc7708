-- each baseline employee's 401(k) eligibility, enrollment, deferral and employer match for simulation_year
with parameters as (
    select * from {{ ref('stg_simulation_parameters') }}
),

baseline as (
    select * from {{ ref('int_baseline_workforce') }}
),

compensation as (
    select * from {{ ref('int_employee_compensation_by_year') }}
),

plans as (
    select * from {{ ref('config_benefit_plans') }}
),

eligibility as (
    select
        baseline.employee_id,
        baseline.simulation_year,
        plans.plan_id,
        (baseline.hire_date + to_months(plans.eligibility_months))::date as eligibility_date,
        baseline.deferral_rate as elected_deferral_rate,
        compensation.earned_compensation,
        plans.auto_enroll,
        plans.auto_enroll_deferral_rate,
        plans.employer_match_rate,
        plans.match_cap_rate,
        plans.compensation_limit,
        plans.employee_deferral_limit,
        parameters.year_start_date,
        parameters.year_end_date,
        parameters.days_in_year
    from baseline
    cross join plans
    cross join parameters
    inner join compensation
        on baseline.employee_id = compensation.employee_id
),

enrollment as (
    select
        *,
        case
            when eligibility_date > year_end_date then 'not_eligible'
            when elected_deferral_rate > 0 then 'elected'
            -- only employees first eligible this year are auto-enrolled; earlier non-participants opted out
            when auto_enroll and eligibility_date >= year_start_date then 'auto_enrolled'
            else 'opted_out'
        end as enrollment_status,
        case
            when eligibility_date <= year_start_date then 1.0
            when eligibility_date > year_end_date then 0.0
            else (year_end_date - eligibility_date + 1) / days_in_year
        end as eligible_fraction
    from eligibility
),

contributions as (
    select
        *,
        case enrollment_status
            when 'elected' then elected_deferral_rate
            when 'auto_enrolled' then auto_enroll_deferral_rate
            else 0.0
        end as deferral_rate,
        round(least(earned_compensation, compensation_limit) * eligible_fraction, 2) as plan_compensation
    from enrollment
),

matched as (
    select
        *,
        round(least(deferral_rate * plan_compensation, employee_deferral_limit), 2) as employee_contribution
    from contributions
)

select
    employee_id::varchar as employee_id,
    simulation_year::integer as simulation_year,
    plan_id::varchar as plan_id,
    eligibility_date::date as eligibility_date,
    (enrollment_status <> 'not_eligible')::boolean as is_eligible,
    (enrollment_status in ('elected', 'auto_enrolled'))::boolean as is_enrolled,
    enrollment_status::varchar as enrollment_status,
    deferral_rate::double as deferral_rate,
    plan_compensation::double as plan_compensation,
    employee_contribution::double as employee_contribution,
    round(
        employer_match_rate * least(least(deferral_rate, match_cap_rate) * plan_compensation, employee_contribution),
        2
    )::double as employer_match_amount
from matched
