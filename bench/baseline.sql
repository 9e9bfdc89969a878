-- Speed-of-light baseline: acquisition `lead_scores` straight from the raw files, in one
-- statement that DuckDB runs as a single pipeline per raw file (each file is read once,
-- deduplicated and reduced on the fly), then small joins and window passes over the
-- per-contact, per-rule rows. Written by hand for the benchmark; it is the yardstick the
-- project's build is compared with, not a replacement for it.
--
-- Inputs are DuckDB variables, set by bench/baseline.py:
--   as_of (date)                        scoring date; the instant is its midnight UTC
--   raw_dirs (list of folders)          one folder per load, in load order
--   loaded_at (list of timestamps)      the load time of each of those folders
--   files_<table> (list of paths)       the table's files in those folders (a daily
--                                       folder holds only the tables that changed)
--   seeds (text)                        the project's seeds/ folder
--   future_tolerance_hours, internal_domains, test_account_patterns,
--   bot_user_agent_patterns, activity_signals, top_reasons_count   vars of dbt_project.yml
--                                       (there named scorehouse_<name>)
-- The session must run with TimeZone = 'UTC'.

create or replace temp macro clean(x) as nullif(trim(cast(x as varchar)), '');
create or replace temp macro ts(x) as
    cast(try_cast(clean(x) as timestamptz) at time zone 'UTC' as timestamp);
create or replace temp macro bad(raw, parsed) as (clean(raw) is not null and parsed is null);
create or replace temp macro email_norm(x) as
    case
        when lower(clean(x)) like '%_@_%._%'
            and lower(clean(x)) not like '% %'
            and lower(clean(x)) not like '%@%@%'
            then lower(clean(x))
    end;
create or replace temp macro contains_any(x, patterns) as
    coalesce(len(list_filter(patterns, lambda p: contains(lower(x), lower(p)))) > 0, false);
create or replace temp macro is_future(t, load_no) as
    coalesce(
        t > getvariable('loaded_at')[load_no]
        + to_hours(cast(getvariable('future_tolerance_hours') as bigint)),
        false
    );
create or replace temp macro load_of(file) as list_position(getvariable('raw_dirs'), parse_dirpath(file));

create or replace temp table baseline_lead_scores as
with

-- Seeds (the scoring configuration), read as the project types them.
rules as (
    select *
    from read_csv(getvariable('seeds') || '/scoring/scoring_rules.csv', header = true,
        types = {'min_value': 'double', 'max_value': 'double', 'points': 'double',
                 'decay_param': 'double', 'rule_cap': 'double'})
    where model_id = 'acquisition'
),
categories as (
    select * from read_csv(getvariable('seeds') || '/scoring/scoring_categories.csv',
        header = true, types = {'weight_pct': 'double'})
    where model_id = 'acquisition'
),
dimensions as (
    select * from read_csv(getvariable('seeds') || '/scoring/scoring_dimensions.csv',
        header = true, types = {'weight_pct': 'double'})
    where model_id = 'acquisition'
),
windows as (
    select * from read_csv(getvariable('seeds') || '/scoring/decay_step_windows.csv',
        header = true, types = {'min_age_days': 'double', 'max_age_days': 'double',
                                'weight': 'double'})
),
bands as (
    select * from read_csv(getvariable('seeds') || '/scoring/grade_bands.csv', header = true,
        types = {'grade': 'varchar', 'min_score': 'double', 'max_score': 'double'})
    where model_id = 'acquisition'
),
thresholds as (
    select * from read_csv(getvariable('seeds') || '/scoring/qualification_thresholds.csv',
        header = true, types = {'min_total_score': 'double'})
    where model_id = 'acquisition'
),
service_levels as (
    select * from read_csv(getvariable('seeds') || '/scoring/service_levels.csv',
        header = true, types = {'response_hours': 'double'})
    where model_id = 'acquisition'
),
industry_map as (
    select * from read_csv(getvariable('seeds') || '/mappings/industry_map.csv', header = true)
),
email_domains as (
    select * from read_csv(getvariable('seeds') || '/mappings/email_domains.csv', header = true)
),
job_titles as (
    select * from read_csv(getvariable('seeds') || '/mappings/job_title_map.csv', header = true,
        types = {'priority': 'double'})
),
instant as (
    select cast(getvariable('as_of') as timestamp) as at, cast(getvariable('as_of') as date) as d
),

-- Staging: parse, keep the rows no quarantine rule catches, then one copy per id among
-- them (CRM: the latest delivered; events: the first delivered).
accounts as (
    select
        clean(account_id) as account_id,
        clean(account_name) as account_name,
        lower(clean(domain)) as account_domain,
        clean(industry) as industry,
        upper(clean(country)) as country_code,
        try_cast(clean(employee_count) as bigint) as employee_count,
        try_cast(clean(annual_revenue) as double) as annual_revenue,
        ts(created_at) as created_at,
        load_of(filename) as load_no,
        ordinality as row_no,
        bad(created_at, ts(created_at)) as bad_ts,
        bad(employee_count, try_cast(clean(employee_count) as bigint))
        or bad(annual_revenue, try_cast(clean(annual_revenue) as double)) as bad_value
    from read_csv(getvariable('files_accounts'), header = true, all_varchar = true,
        quote = '"', escape = '"', filename = true) with ordinality
),
accounts_staged as (
    select * exclude (bad_ts, bad_value)
    from accounts
    where account_id is not null and not bad_ts and not bad_value and created_at is not null
        and not coalesce(employee_count < 0 or annual_revenue < 0, false)
        and not contains_any(account_name, getvariable('test_account_patterns'))
        and not coalesce(list_contains(getvariable('internal_domains'), account_domain), false)
    qualify row_number() over (partition by account_id order by load_no desc, row_no desc) = 1
),
accounts_enriched as (
    select
        accounts_staged.*,
        case when industry is not null then coalesce(industry_map.industry_id, 'other') end
            as industry_id,
        coalesce(email_domains.domain_type, 'business') as domain_type
    from accounts_staged
    left join industry_map on lower(accounts_staged.industry) = industry_map.raw_industry
    left join email_domains on accounts_staged.account_domain = email_domains.domain
),
contacts_raw as (
    select
        clean(contact_id) as contact_id,
        clean(account_id) as account_id,
        email_norm(email) as email,
        clean(job_title) as job_title,
        upper(clean(country)) as country_code,
        ts(created_at) as created_at,
        bad(created_at, ts(created_at)) as bad_ts,
        bad(email, email_norm(email)) as bad_email,
        load_of(filename) as load_no,
        ordinality as row_no
    from read_csv(getvariable('files_contacts'), header = true, all_varchar = true,
        quote = '"', escape = '"', filename = true) with ordinality
),
contacts_staged as (
    select * exclude (bad_ts, bad_email), split_part(email, '@', 2) as email_domain
    from contacts_raw
    where contact_id is not null and not bad_ts and not bad_email and created_at is not null
        and not coalesce(list_contains(getvariable('internal_domains'),
            split_part(email, '@', 2)), false)
        and not contains_any(email, getvariable('test_account_patterns'))
    qualify row_number() over (partition by contact_id order by load_no desc, row_no desc) = 1
),
titles as (
    select
        contacts_staged.contact_id,
        arg_min(job_titles.mapped_value, (job_titles.priority, job_titles.pattern))
            filter (where job_titles.attribute = 'seniority') as seniority,
        arg_min(job_titles.mapped_value, (job_titles.priority, job_titles.pattern))
            filter (where job_titles.attribute = 'department') as department
    from contacts_staged
    inner join job_titles on contains(lower(contacts_staged.job_title), job_titles.pattern)
    group by contacts_staged.contact_id
),
contacts as (
    select
        c.contact_id,
        a.account_id,
        c.email,
        c.created_at,
        a.industry_id,
        a.employee_count,
        a.annual_revenue,
        coalesce(c.country_code, a.country_code) as country_code,
        case
            when d.domain_type is not null then d.domain_type
            when a.domain_type = 'competitor' then 'competitor'
            when c.email_domain is not null then 'business'
        end as email_domain_type,
        titles.seniority,
        titles.department
    from contacts_staged as c
    left join accounts_enriched as a on c.account_id = a.account_id
    left join email_domains as d on c.email_domain = d.domain
    left join titles on c.contact_id = titles.contact_id
),
opportunities as (
    select
        clean(opportunity_id) as opportunity_id,
        clean(account_id) as account_id,
        lower(clean(opportunity_type)) as opportunity_type,
        lower(clean(stage)) as stage,
        try_cast(clean(amount) as double) as amount,
        ts(created_at) as created_at,
        ts(closed_at) as closed_at,
        bad(created_at, ts(created_at)) or bad(closed_at, ts(closed_at)) as bad_ts,
        bad(amount, try_cast(clean(amount) as double)) as bad_value,
        load_of(filename) as load_no,
        ordinality as row_no
    from read_csv(getvariable('files_opportunities'), header = true, all_varchar = true,
        quote = '"', escape = '"', filename = true) with ordinality
),
opportunities_staged as (
    select *
    from opportunities
    where opportunity_id is not null and account_id is not null and not bad_ts
        and not bad_value
        and created_at is not null and opportunity_type is not null and stage is not null
        and not is_future(created_at, load_no) and not is_future(closed_at, load_no)
        and opportunity_type in ('new_business', 'expansion', 'renewal')
        and stage in ('open', 'won', 'lost')
        and not coalesce(
            amount < 0
            or (stage = 'open' and closed_at is not null)
            or (stage <> 'open' and closed_at is null)
            or closed_at < created_at, false)
    qualify row_number() over (partition by opportunity_id order by load_no desc, row_no desc) = 1
),
invoices as (
    select
        clean(invoice_id) as invoice_id,
        clean(account_id) as account_id,
        try_cast(clean(amount) as double) as amount,
        try_cast(clean(invoice_date) as date) as invoice_date,
        try_cast(clean(due_date) as date) as due_date,
        bad(invoice_date, try_cast(clean(invoice_date) as date))
        or bad(due_date, try_cast(clean(due_date) as date))
        or bad(paid_date, try_cast(clean(paid_date) as date)) as bad_ts,
        bad(amount, try_cast(clean(amount) as double)) as bad_value,
        load_of(filename) as load_no,
        ordinality as row_no
    from read_csv(getvariable('files_invoices'), header = true, all_varchar = true,
        quote = '"', escape = '"', filename = true) with ordinality
),
invoices_staged as (
    select *
    from invoices
    where invoice_id is not null and account_id is not null and not bad_ts and not bad_value
        and invoice_date is not null and due_date is not null and amount is not null
        and not (amount < 0 or due_date < invoice_date)
    qualify row_number() over (partition by invoice_id order by load_no desc, row_no desc) = 1
),

-- Account stage at the instant: customer (won or invoiced before, no renewal lost since
-- the last win), or with an opportunity open.
account_stages as (
    select
        a.account_id,
        (o.last_won is not null or i.first_invoice < instant.at)
        and (o.last_churned is null or (o.last_won is not null and o.last_churned < o.last_won))
            as is_customer,
        coalesce(o.has_open, false) as has_open_opportunity
    from accounts_staged as a
    cross join instant
    left join (
        select
            account_id,
            max(closed_at) filter (where stage = 'won' and closed_at < instant.at) as last_won,
            max(closed_at) filter (
                where opportunity_type = 'renewal' and stage = 'lost' and closed_at < instant.at
            ) as last_churned,
            bool_or(created_at < instant.at and (closed_at is null or closed_at >= instant.at))
                as has_open
        from opportunities_staged cross join instant
        group by account_id
    ) as o on a.account_id = o.account_id
    left join (
        select account_id, min(invoice_date) as first_invoice from invoices_staged
        group by account_id
    ) as i on a.account_id = i.account_id
),

-- Events: one scan each; usable rows, first copy per id, then reduced to what scoring
-- needs.
page_views as (
    select
        clean(page_view_id) as page_view_id,
        clean(anonymous_id) as anonymous_id,
        clean(contact_id) as contact_id,
        lower(clean(url)) as page_url,
        ts(occurred_at) as occurred_at,
        bad(occurred_at, ts(occurred_at)) or bad(received_at, ts(received_at)) as bad_ts,
        clean(user_agent) as user_agent,
        load_of(filename) as load_no,
        ordinality as row_no
    from read_csv(getvariable('files_page_views'), header = true, all_varchar = true,
        quote = '"', escape = '"', filename = true) with ordinality
),
page_views_staged as (
    select *
    from page_views
    where page_view_id is not null and anonymous_id is not null and not bad_ts
        and occurred_at is not null and page_url is not null
        and not is_future(occurred_at, load_no)
        and not contains_any(user_agent, getvariable('bot_user_agent_patterns'))
    qualify row_number() over (partition by page_view_id order by load_no, row_no) = 1
),
page_views_daily as (
    -- One row per visitor, known contact id, page and day.
    select
        anonymous_id,
        contact_id,
        page_url,
        cast(occurred_at as date) as activity_date,
        count(*) as event_count,
        min(occurred_at) as first_at,
        max(occurred_at) as last_at
    from page_views_staged
    group by all
),
email_events as (
    select
        clean(email_event_id) as email_event_id,
        clean(contact_id) as contact_id,
        clean(campaign_id) as campaign_id,
        lower(clean(event_type)) as event_type,
        lower(clean(bounce_type)) as bounce_type,
        ts(occurred_at) as occurred_at,
        bad(occurred_at, ts(occurred_at)) or bad(received_at, ts(received_at)) as bad_ts,
        load_of(filename) as load_no,
        ordinality as row_no
    from read_csv(getvariable('files_email_events'), header = true, all_varchar = true,
        quote = '"', escape = '"', filename = true) with ordinality
),
email_staged as (
    select *
    from email_events
    where email_event_id is not null and contact_id is not null and not bad_ts
        and occurred_at is not null and event_type is not null and campaign_id is not null
        and not is_future(occurred_at, load_no)
        and event_type in ('delivered', 'open', 'click', 'bounce', 'unsubscribe', 'spam')
        and not coalesce(bounce_type is not null and bounce_type not in ('hard', 'soft'), false)
    qualify row_number() over (partition by email_event_id order by load_no, row_no) = 1
),
email_daily as (
    select
        contact_id,
        case
            when event_type = 'bounce' and bounce_type = 'hard' then 'email_hard_bounce'
            when event_type = 'bounce' then 'email_soft_bounce'
            else 'email_' || event_type
        end as signal,
        campaign_id as signal_text,
        cast(occurred_at as date) as activity_date,
        count(*) as event_count,
        min(occurred_at) as first_at,
        max(occurred_at) as last_at
    from email_staged
    group by all
),
forms_raw as (
    select
        clean(form_submission_id) as form_submission_id,
        email_norm(email) as email,
        clean(anonymous_id) as anonymous_id,
        lower(clean(form_type)) as form_type,
        ts(occurred_at) as occurred_at,
        bad(occurred_at, ts(occurred_at)) or bad(received_at, ts(received_at)) as bad_ts,
        bad(email, email_norm(email)) as bad_email,
        load_of(filename) as load_no,
        ordinality as row_no
    from read_csv(getvariable('files_form_submissions'), header = true, all_varchar = true,
        quote = '"', escape = '"', filename = true) with ordinality
),
forms as (
    -- Attributed to the contact of the same email (lowest id).
    select f.form_submission_id, f.anonymous_id, f.form_type, f.occurred_at, owner.contact_id
    from forms_raw as f
    left join (
        select email, min(contact_id) as contact_id from contacts_staged
        where email is not null group by email
    ) as owner on f.email = owner.email
    where f.form_submission_id is not null and not f.bad_ts and not f.bad_email
        and f.occurred_at is not null and f.email is not null and f.form_type is not null
        and not is_future(f.occurred_at, f.load_no)
        and f.form_type in ('demo_request', 'contact', 'newsletter', 'content_download', 'webinar')
        and not coalesce(
            list_contains(getvariable('internal_domains'), split_part(f.email, '@', 2)), false)
    qualify row_number() over (partition by f.form_submission_id order by f.load_no, f.row_no) = 1
),

-- Identity stitching: the earliest identification of each visitor (ties: lowest contact).
visitors as (
    select anonymous_id, arg_min(contact_id, (identified_at, contact_id)) as contact_id,
        min(identified_at) as identified_at
    from (
        select anonymous_id, contact_id, occurred_at as identified_at
        from forms where anonymous_id is not null and contact_id is not null
        union all
        select v.anonymous_id, v.contact_id, min(v.first_at)
        from page_views_daily as v
        inner join contacts_staged as c on v.contact_id = c.contact_id
        group by all
    )
    group by anonymous_id
),

-- Behaviour known at the instant, one row per contact, signal, text and day.
engagement as (
    select
        coalesce(v.contact_id, visitors.contact_id) as contact_id,
        'page_view' as signal,
        v.page_url as signal_text,
        v.activity_date,
        v.event_count,
        v.first_at,
        v.last_at
    from page_views_daily as v
    left join visitors on v.contact_id is null and v.anonymous_id = visitors.anonymous_id
    cross join instant
    where v.activity_date < instant.d
        and (v.contact_id is not null or visitors.identified_at < instant.at)
    union all
    select contact_id, signal, signal_text, activity_date, event_count, first_at, last_at
    from email_daily cross join instant
    where activity_date < instant.d
    union all
    select contact_id, 'form_submission', form_type, cast(occurred_at as date), 1,
        occurred_at, occurred_at
    from forms cross join instant
    where contact_id is not null and occurred_at < instant.at
),
population as (
    select contacts.*
    from contacts
    cross join instant
    left join account_stages on contacts.account_id = account_stages.account_id
    where contacts.created_at < instant.at and not coalesce(account_stages.is_customer, false)
),
signals as (
    -- Engagement of the population, its fit attributes and its inactivity.
    select e.contact_id, e.signal, e.signal_text, null::double as signal_number,
        e.activity_date, e.event_count, e.first_at
    from engagement as e
    inner join population as p on e.contact_id = p.contact_id
    union all
    select contact_id, signal, signal_text, signal_number, null, 1, null
    from (
        select contact_id, 'industry' as signal, industry_id as signal_text,
            null::double as signal_number from population
        union all select contact_id, 'country', country_code, null from population
        union all select contact_id, 'email_domain_type', email_domain_type, null from population
        union all select contact_id, 'seniority', seniority, null from population
        union all select contact_id, 'department', department, null from population
        union all select contact_id, 'employee_count', null, employee_count from population
        union all select contact_id, 'annual_revenue', null, annual_revenue from population
    )
    where signal_text is not null or signal_number is not null
    union all
    select p.contact_id, 'days_inactive', null,
        epoch(instant.at - coalesce(last.last_at, p.created_at)) / 86400.0,
        cast(coalesce(last.last_at, p.created_at) as date), 1,
        coalesce(last.last_at, p.created_at)
    from population as p
    cross join instant
    left join (
        select contact_id, max(last_at) as last_at from engagement
        where list_contains(getvariable('activity_signals'), signal)
        group by contact_id
    ) as last on p.contact_id = last.contact_id
),

-- Rules as data: match, repeat control (the first occurrence per repeat key counts;
-- `every` counts each event), whole-day decay as of the date.
occurrences as (
    select
        s.contact_id,
        r.rule_id,
        r.dimension,
        r.category_id,
        r.rule_cap,
        r.qualifies_as,
        r.points,
        r.decay_method,
        r.decay_param,
        r.decay_windows,
        case r.repeat_control
            when 'every' then coalesce(s.signal_text, '') || '|' || coalesce(cast(s.activity_date as varchar), '')
            when 'once_per_day' then cast(s.activity_date as varchar)
            when 'once_per_value' then coalesce(s.signal_text, '')
            else ''
        end as repeat_key,
        r.repeat_control = 'every' as counts_every,
        s.activity_date,
        s.event_count,
        s.first_at
    from signals as s
    inner join rules as r
        on s.signal = r.signal
        and case r.match_operator
            when 'any' then true
            when 'equals' then s.signal_text = r.match_value
            when 'contains' then contains(s.signal_text, r.match_value)
            when 'between' then s.signal_number >= coalesce(r.min_value, s.signal_number)
                and (r.max_value is null or s.signal_number < r.max_value)
        end
),
counted as (
    select
        contact_id, rule_id, repeat_key,
        any_value(dimension) as dimension,
        any_value(category_id) as category_id,
        any_value(rule_cap) as rule_cap,
        any_value(qualifies_as) as qualifies_as,
        any_value(points) as points,
        any_value(decay_method) as decay_method,
        any_value(decay_param) as decay_param,
        any_value(decay_windows) as decay_windows,
        case when any_value(counts_every) then sum(event_count) else 1 end as times,
        min(activity_date) as activity_date,
        min(first_at) as first_at
    from occurrences
    group by contact_id, rule_id, repeat_key
),
decayed as (
    select
        c.*,
        c.points * c.times * case
            when age < 0 then 0.0
            when c.decay_method = 'none' then 1.0
            when c.decay_method = 'exponential' then power(0.5, age / c.decay_param)
            when c.decay_method = 'linear' then greatest(0.0, 1.0 - age / c.decay_param)
            when c.decay_method = 'step' then coalesce((
                select w.weight from windows as w
                where w.window_set = c.decay_windows and age >= w.min_age_days
                    and (w.max_age_days is null or age < w.max_age_days)
            ), 0.0)
        end as decayed_points
    from (
        select *, cast(coalesce(getvariable('as_of') - activity_date, 0) as double) as age
        from counted
    ) as c
),

-- Caps: rule cap, category cap (scale positives down; the largest takes the rounding
-- remainder), floor (scale negatives to cancel the positives; the most negative takes the
-- remainder). Rounded to 6 decimals at each step, as the method says.
per_rule as (
    select
        contact_id, rule_id,
        any_value(dimension) as dimension,
        any_value(category_id) as category_id,
        any_value(qualifies_as) as qualifies_as,
        min(first_at) filter (where qualifies_as is not null and decayed_points <> 0)
            as qualifying_at,
        case
            when any_value(rule_cap) is null then sum(decayed_points)
            else least(greatest(sum(decayed_points), -any_value(rule_cap)), any_value(rule_cap))
        end as points
    from decayed
    group by contact_id, rule_id
),
category_capped as (
    select
        pr.*,
        categories.weight_pct as category_cap,
        sum(case when pr.points > 0 then pr.points else 0 end)
            over (partition by pr.contact_id, pr.dimension, pr.category_id) as positive,
        row_number() over (
            partition by pr.contact_id, pr.dimension, pr.category_id
            order by pr.points desc, pr.rule_id
        ) = 1 as is_largest
    from per_rule as pr
    inner join categories
        on pr.dimension = categories.dimension and pr.category_id = categories.category_id
),
category_scaled as (
    select
        *,
        case
            when points > 0 and positive > category_cap
                then round(points * category_cap / positive, 6) + 0.0
            else round(points, 6) + 0.0
        end as scaled
    from category_capped
),
after_category as (
    select
        * exclude (scaled),
        case
            when points > 0 and positive > category_cap and is_largest
                then round(category_cap - (sum(case when points > 0 and not is_largest
                    then scaled else 0 end)
                    over (partition by contact_id, dimension, category_id)), 6) + 0.0
            else scaled
        end as after_category
    from category_scaled
),
floored as (
    select
        *,
        sum(case when after_category > 0 then after_category else 0 end)
            over (partition by contact_id, dimension) as dim_positive,
        sum(case when after_category < 0 then -after_category else 0 end)
            over (partition by contact_id, dimension) as dim_negative,
        row_number() over (partition by contact_id, dimension order by after_category, rule_id)
            = 1 as is_most_negative
    from after_category
),
floor_scaled as (
    select
        *,
        case
            when after_category < 0 and dim_negative > dim_positive
                then round(after_category * dim_positive / dim_negative, 6) + 0.0
            else round(after_category, 6) + 0.0
        end as scaled
    from floored
),
capped as (
    select
        contact_id, rule_id, dimension, qualifies_as, qualifying_at,
        case
            when after_category < 0 and dim_negative > dim_positive and is_most_negative
                then round(-dim_positive - (sum(case when after_category < 0
                    and not is_most_negative then scaled else 0 end)
                    over (partition by contact_id, dimension)), 6) + 0.0
            else scaled
        end as capped_points
    from floor_scaled
),

-- Scores, grades, qualification, reasons.
per_contact as (
    select
        contact_id,
        round(coalesce(sum(capped_points) filter (where dimension = 'fit'), 0), 6) + 0.0
            as fit_score,
        round(coalesce(sum(capped_points) filter (where dimension = 'engagement'), 0), 6) + 0.0
            as engagement_score,
        bool_or(qualifying_at is not null and qualifies_as = 'sql') as qualifies_sql,
        bool_or(qualifying_at is not null) as qualifies_mql,
        min(qualifying_at) as qualifying_at,
        string_agg(
            case when reason_rank <= getvariable('top_reasons_count')
                then description || ' (' || printf('%+.1f', capped_points) || ')' end,
            '; ' order by reason_rank
        ) as top_reasons
    from (
        select
            capped.*,
            rules.description,
            case when capped_points <> 0 then row_number() over (
                partition by contact_id
                order by capped_points = 0, abs(capped_points) desc, capped.rule_id
            ) end as reason_rank
        from capped
        inner join rules on capped.rule_id = rules.rule_id
    )
    group by contact_id
),
scored as (
    select
        p.contact_id,
        p.account_id,
        coalesce(s.fit_score, 0.0) as fit_score,
        coalesce(s.engagement_score, 0.0) as engagement_score,
        coalesce(s.qualifies_sql, false) as qualifies_sql,
        coalesce(s.qualifies_mql, false) as qualifies_mql,
        s.qualifying_at,
        s.top_reasons,
        coalesce(st.is_customer, false) as is_customer,
        coalesce(st.has_open_opportunity, false) as has_open_opportunity
    from population as p
    left join per_contact as s on p.contact_id = s.contact_id
    left join account_stages as st on p.account_id = st.account_id
),
totals as (
    select
        scored.*,
        round((fit_score * fit_w.weight_pct + engagement_score * eng_w.weight_pct) / 100.0, 6)
        + 0.0 as total_score
    from scored
    cross join (select weight_pct from dimensions where dimension = 'fit') as fit_w
    cross join (select weight_pct from dimensions where dimension = 'engagement') as eng_w
),
graded as (
    select
        totals.*,
        fit_band.grade as fit_grade,
        engagement_band.grade as engagement_level,
        fit_band.grade || engagement_band.grade as lead_grade,
        qualifies_sql or coalesce(total_score >= sql_t.min_total_score, false) as is_sql,
        qualifies_sql or qualifies_mql or coalesce(total_score >= sql_t.min_total_score, false)
        or coalesce(total_score >= mql_t.min_total_score, false) as is_mql
    from totals
    left join bands as fit_band
        on fit_band.dimension = 'fit'
        and fit_score >= coalesce(fit_band.min_score, fit_score)
        and (fit_band.max_score is null or fit_score < fit_band.max_score)
    left join bands as engagement_band
        on engagement_band.dimension = 'engagement'
        and engagement_score >= coalesce(engagement_band.min_score, engagement_score)
        and (engagement_band.max_score is null or engagement_score < engagement_band.max_score)
    left join thresholds as sql_t on sql_t.status = 'sql'
    left join thresholds as mql_t on mql_t.status = 'mql'
)

select
    graded.contact_id,
    graded.account_id,
    'acquisition' as model_id,
    graded.fit_grade,
    graded.engagement_level,
    graded.lead_grade,
    case
        when is_customer then 'customer'
        when has_open_opportunity then 'opportunity'
        when is_sql then 'sql'
        when is_mql then 'mql'
        else 'lead'
    end as lifecycle_stage,
    graded.top_reasons,
    graded.fit_score,
    graded.engagement_score,
    graded.total_score,
    graded.is_mql,
    graded.is_sql,
    case
        when is_mql and service_levels.response_hours is not null
            then coalesce(qualifying_at, instant.at)
            + to_hours(cast(service_levels.response_hours as bigint))
    end as sla_due_at,
    instant.d as scored_as_of
from graded
cross join instant
left join service_levels on graded.lead_grade = service_levels.lead_grade;
