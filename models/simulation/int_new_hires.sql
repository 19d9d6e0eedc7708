-- the year's new hires: enough to reach the target growth net of terminations, with deterministic level, pay and dates
-- draws map hash(employee_id|kind) to [0, 1): the top 53 bits of the 64-bit hash over 2^53
with parameters as (
    select * from {{ ref('stg_simulation_parameters') }}
),

experienced as (
    select * from {{ ref('int_experienced_outcomes') }}
),

job_levels as (
    select * from {{ ref('config_job_levels') }}
),

hiring_plan as (
    select
        count(*)::integer as starting_headcount,
        count(*) filter (where is_terminated)::integer as experienced_terminations
    from experienced
),

hiring_target as (
    select
        hiring_plan.starting_headcount,
        hiring_plan.experienced_terminations,
        round(hiring_plan.starting_headcount * (1 + parameters.target_growth_rate))::integer as target_ending_headcount,
        parameters.new_hire_termination_rate
    from hiring_plan
    cross join parameters
),

hires_needed as (
    select
        *,
        -- gross up for the new hires expected to leave again before year end; the inner round keeps
        -- floating-point noise (5.0000000001) from adding a hire
        ceil(round(
            greatest(target_ending_headcount - (starting_headcount - experienced_terminations), 0)
            / (1 - new_hire_termination_rate),
            6
        ))::integer as hires_needed
    from hiring_target
),

hire_numbers as (
    select unnest(generate_series(1, hires_needed)) as hire_number
    from hires_needed
),

level_mix as (
    select
        job_level,
        min_compensation,
        max_compensation,
        new_hire_base_age,
        sum(new_hire_share) over (order by job_level rows between unbounded preceding and current row)
        - new_hire_share as share_from,
        sum(new_hire_share) over (order by job_level rows between unbounded preceding and current row) as share_to,
        max(job_level) over () as top_job_level
    from job_levels
),

-- new hires join departments in proportion to the starting workforce
department_mix as (
    select
        department,
        (sum(count(*)) over (order by department rows between unbounded preceding and current row) - count(*))
        / sum(count(*)) over () as share_from,
        sum(count(*)) over (order by department rows between unbounded preceding and current row)
        / sum(count(*)) over () as share_to,
        max(department) over () as last_department
    from experienced
    group by department
),

draws as (
    select
        hire_number,
        employee_id,
        (hash(employee_id || '|level') >> 11)::double / 9007199254740992.0 as level_draw,
        (hash(employee_id || '|hire_day') >> 11)::double / 9007199254740992.0 as hire_day_draw,
        (hash(employee_id || '|pay') >> 11)::double / 9007199254740992.0 as pay_draw,
        (hash(employee_id || '|age') >> 11)::double / 9007199254740992.0 as age_draw,
        (hash(employee_id || '|birthday') >> 11)::double / 9007199254740992.0 as birthday_draw,
        (hash(employee_id || '|department') >> 11)::double / 9007199254740992.0 as department_draw,
        (hash(employee_id || '|termination') >> 11)::double / 9007199254740992.0 as termination_draw,
        (hash(employee_id || '|termination_day') >> 11)::double / 9007199254740992.0 as termination_day_draw
    from (
        select
            hire_number,
            'NH_' || parameters.simulation_year::varchar || '_' || lpad(hire_number::varchar, 6, '0') as employee_id
        from hire_numbers
        cross join parameters
    )
),

hires as (
    select
        draws.*,
        parameters.year_start_date + floor(draws.hire_day_draw * parameters.days_in_year)::integer as hire_date,
        level_mix.job_level,
        -- new hires start in the lower half of the level's range
        round(
            level_mix.min_compensation
            + (level_mix.max_compensation - level_mix.min_compensation) * (0.10 + 0.40 * draws.pay_draw),
            2
        ) as annual_compensation,
        level_mix.new_hire_base_age + floor(draws.age_draw * 10)::integer as age_at_hire,
        department_mix.department
    from draws
    cross join parameters
    inner join level_mix
        on
            draws.level_draw >= level_mix.share_from
            and (draws.level_draw < level_mix.share_to or level_mix.job_level = level_mix.top_job_level)
    left join department_mix
        on
            draws.department_draw >= department_mix.share_from
            and (draws.department_draw < department_mix.share_to or department_mix.department = department_mix.last_department)
)

select
    hires.employee_id::varchar as employee_id,
    parameters.simulation_year::integer as simulation_year,
    hires.hire_number::integer as hire_number,
    hires.hire_date::date as hire_date,
    ((hires.hire_date - to_years(hires.age_at_hire))::date - floor(hires.birthday_draw * 365)::integer)::date as birth_date,
    hires.job_level::integer as job_level,
    hires.annual_compensation::double as annual_compensation,
    coalesce(hires.department, 'Unassigned')::varchar as department,
    (
        hires.hire_date < parameters.year_end_date
        and hires.termination_draw < parameters.new_hire_termination_rate
    )::boolean as is_terminated,
    (
        case
            when
                hires.hire_date < parameters.year_end_date
                and hires.termination_draw < parameters.new_hire_termination_rate
                then hires.hire_date + 1
                    + floor(hires.termination_day_draw * (parameters.year_end_date - hires.hire_date))::integer
        end
    )::date as termination_date,
    hires_needed.starting_headcount::integer as starting_headcount,
    hires_needed.experienced_terminations::integer as experienced_terminations,
    hires_needed.target_ending_headcount::integer as target_ending_headcount,
    hires_needed.hires_needed::integer as hires_needed
from hires
cross join parameters
cross join hires_needed
