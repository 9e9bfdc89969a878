-- Which build and scoring date this report shows.
select published_at, scored_as_of, build_invocation_id
from main._publication
