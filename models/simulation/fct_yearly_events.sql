-- every workforce event of simulation_year, one row each: terminations, merit increases, promotions and hires
with experienced as (
    select * from {{ ref('int_experienced_outcomes') }}
),

new_hires as (
    select * from {{ ref('int_new_hires') }}
),

parameters as (
    select * from {{ ref('stg_simulation_parameters') }}
),

merit_events as (
    select
        employee_id,
        simulation_year,
        'merit' as event_type,
        merit_effective_date as effective_date,
        starting_compensation as previous_compensation,
        compensation_after_merit as new_compensation,
        starting_job_level as previous_job_level,
        starting_job_level as new_job_level,
        null::double as event_probability,
        printf('merit %.2f%% + cola %.2f%%', merit_rate * 100, cola_rate * 100) as event_details
    from experienced
    where received_merit
),

promotion_events as (
    select
        employee_id,
        simulation_year,
        'promotion' as event_type,
        promotion_effective_date as effective_date,
        compensation_after_merit as previous_compensation,
        final_compensation as new_compensation,
        starting_job_level as previous_job_level,
        final_job_level as new_job_level,
        promotion_rate as event_probability,
        printf('level %d to %d (draw %.4f < rate %.4f)', starting_job_level, final_job_level, promotion_draw, promotion_rate)
            as event_details
    from experienced
    where is_promoted
),

experienced_terminations as (
    select
        employee_id,
        simulation_year,
        'termination' as event_type,
        termination_date as effective_date,
        final_compensation as previous_compensation,
        final_compensation as new_compensation,
        final_job_level as previous_job_level,
        final_job_level as new_job_level,
        termination_rate as event_probability,
        printf(
            'experienced termination: age band %d, tenure band %d (draw %.4f < rate %.4f)',
            age_band_id, tenure_band_id, termination_draw, termination_rate
        ) as event_details
    from experienced
    where is_terminated
),

hire_events as (
    select
        employee_id,
        simulation_year,
        'hire' as event_type,
        hire_date as effective_date,
        null::double as previous_compensation,
        annual_compensation as new_compensation,
        null::integer as previous_job_level,
        job_level as new_job_level,
        null::double as event_probability,
        printf('new hire %d of %d at level %d, %s', hire_number, hires_needed, job_level, department) as event_details
    from new_hires
),

new_hire_terminations as (
    select
        new_hires.employee_id,
        new_hires.simulation_year,
        'termination' as event_type,
        new_hires.termination_date as effective_date,
        new_hires.annual_compensation as previous_compensation,
        new_hires.annual_compensation as new_compensation,
        new_hires.job_level as previous_job_level,
        new_hires.job_level as new_job_level,
        parameters.new_hire_termination_rate as event_probability,
        'new hire termination' as event_details
    from new_hires
    cross join parameters
    where new_hires.is_terminated
),

all_events as (
    select * from merit_events
    union all
    select * from promotion_events
    union all
    select * from experienced_terminations
    union all
    select * from hire_events
    union all
    select * from new_hire_terminations
)

select
    (employee_id || '_' || simulation_year::varchar || '_' || event_type)::varchar as event_id,
    employee_id::varchar as employee_id,
    simulation_year::integer as simulation_year,
    event_type::varchar as event_type,
    effective_date::date as effective_date,
    previous_compensation::double as previous_compensation,
    new_compensation::double as new_compensation,
    previous_job_level::integer as previous_job_level,
    new_job_level::integer as new_job_level,
    event_probability::double as event_probability,
    event_details::varchar as event_details
from all_events
order by effective_date, employee_id, event_type
