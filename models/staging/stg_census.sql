-- the employee census named by var census_path, read with explicit column types so every run agrees on them
with source_rows as (
    select *
    from {{ read_census() }}
)

select
    trim(employee_id) as employee_id,
    birth_date,
    hire_date,
    termination_date,
    lower(trim(employee_status)) as employee_status,
    annual_compensation,
    job_level,
    coalesce(deferral_rate, 0.0) as deferral_rate,
    trim(department) as department
from source_rows
