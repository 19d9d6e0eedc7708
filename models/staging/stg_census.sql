-- the employee census named by var census_path, read with explicit column types so every run agrees on them
with source_rows as (
    select *
    from read_csv(
        '{{ var("census_path") | replace("'", "''") }}',
        header = true,
        auto_detect = false,
        dateformat = '%Y-%m-%d',
        columns = {
            'employee_id': 'varchar',
            'birth_date': 'date',
            'hire_date': 'date',
            'termination_date': 'date',
            'employee_status': 'varchar',
            'annual_compensation': 'double',
            'job_level': 'integer',
            'deferral_rate': 'double',
            'department': 'varchar'
        }
    )
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
