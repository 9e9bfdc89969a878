{#- Every behavioural signal of a known contact or account, one row per entity, signal,
    signal text, day and `known_from`: the contact and account signal tables side by side.
    A view: they are built apart because one aggregate over both ran out of memory at
    100M events (bench/README.md), and their keys cannot overlap (entity types differ). -#}
{{ config(materialized='view') }}

select * from {{ ref('int_contact_signals_daily') }}
union all
select * from {{ ref('int_account_signals_daily') }}
