{#- The employee census CSV named by var census_path, read with explicit column types so every run agrees on them. -#}
{% macro read_census() %}
    read_csv(
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
{%- endmacro %}
