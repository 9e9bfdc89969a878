"""Vocabularies of the demo world: firmographics, titles, names, site pages, user agents."""

from __future__ import annotations

from scorehouse.contract import accepted_values

SITE = "https://www.scorehouse-demo.com"
VENDOR_DOMAIN = "scorehouse-demo.com"

# Industries as typed into a CRM. The first group is the ideal-customer profile.
INDUSTRIES_FIT = [
    "Software",
    "SaaS",
    "Computer Software",
    "Information Technology",
    "Financial Services",
    "Fintech",
    "Banking",
]
INDUSTRIES_OTHER = [
    "Retail",
    "E-commerce",
    "Manufacturing",
    "Healthcare",
    "Education",
    "Government",
    "Non-profit",
    "Consulting",
    "Media",
    "Logistics",
    "Telecommunications",
]

COUNTRIES = ["FR", "DE", "GB", "US", "ES", "IT", "NL", "BE", "CA", "CH", "SE", "IE", "AU"]
COUNTRY_WEIGHTS = [14, 14, 14, 22, 6, 6, 5, 4, 5, 3, 3, 2, 2]
TLD_BY_COUNTRY = {"FR": ".fr", "DE": ".de", "GB": ".co.uk", "NL": ".nl", "IT": ".it", "ES": ".es"}

NAME_PREFIX = [
    "Acme",
    "Nova",
    "Blue",
    "Bright",
    "North",
    "Peak",
    "Silver",
    "Quantum",
    "Atlas",
    "Vertex",
    "Orbit",
    "Cedar",
    "Maple",
    "Iron",
    "Lumen",
    "Pixel",
    "Harbor",
    "Summit",
    "Apex",
    "Delta",
    "Echo",
    "Falcon",
    "Granite",
    "Helix",
    "Indigo",
    "Juniper",
    "Kestrel",
    "Lattice",
    "Meridian",
    "Nimbus",
    "Onyx",
    "Prism",
    "Quartz",
    "Radiant",
    "Sierra",
    "Tidal",
    "Umbra",
    "Vivid",
    "Willow",
    "Zenith",
    "Aurora",
    "Beacon",
    "Cobalt",
    "Drift",
    "Ember",
    "Fjord",
    "Glacier",
    "Horizon",
    "Ivory",
    "Jade",
]
NAME_CORE = [
    "soft",
    "data",
    "works",
    "logic",
    "wave",
    "stack",
    "grid",
    "loop",
    "forge",
    "metrics",
    "cloud",
    "path",
    "link",
    "mint",
    "flow",
    "byte",
    "core",
    "base",
    "point",
    "sense",
    "shift",
    "scale",
    "line",
    "sight",
    "hub",
    "labs",
    "ware",
    "net",
    "bridge",
    "field",
]
NAME_SUFFIX = ["", " Labs", " Systems", " Group", " GmbH", " SAS", " Ltd", " Inc", " Solutions"]

COMPETITORS = [
    ("RivalScore", "rivalscore.io"),
    ("Leadlytics", "leadlytics.com"),
    ("PipeGrade", "pipegrade.com"),
]
FREEMAIL = [
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "gmx.de",
    "orange.fr",
    "free.fr",
]
FREEMAIL_WEIGHTS = [45, 10, 10, 15, 8, 7, 5]

# (title, fit boost, relative frequency, is a product user). Empty title = blank in CRM.
TITLES = [
    ("CEO", 0.4, 3, False),
    ("Founder", 0.3, 2, False),
    ("Co-Founder & CEO", 0.4, 1, False),
    ("CMO", 0.9, 2, False),
    ("VP Marketing", 0.9, 3, False),
    ("VP of Sales", 0.7, 3, False),
    ("Head of Marketing Ops", 1.0, 3, True),
    ("Director, Demand Generation", 1.0, 3, True),
    ("Marketing Manager", 0.6, 8, True),
    ("Sales Operations Manager", 0.7, 4, True),
    ("RevOps Lead", 0.9, 3, True),
    ("Head of Revenue Operations", 1.0, 2, True),
    ("Account Executive", 0.1, 6, True),
    ("Marketing Specialist", 0.3, 7, True),
    ("Growth Marketer", 0.4, 3, True),
    ("Software Engineer", -0.5, 8, True),
    ("Data Analyst", -0.1, 5, True),
    ("CTO", 0.0, 2, False),
    ("HR Manager", -0.9, 4, False),
    ("Recruiter", -1.1, 3, False),
    ("Intern", -1.3, 3, False),
    ("Student", -1.6, 3, False),
    ("Consultant", -0.3, 4, False),
    ("Office Manager", -0.8, 2, False),
    ("", 0.0, 5, False),
]

FIRST_NAMES = [
    "Anna",
    "Ben",
    "Claire",
    "David",
    "Emma",
    "Felix",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Julia",
    "Karim",
    "Laura",
    "Lucas",
    "Maria",
    "Marc",
    "Nina",
    "Oscar",
    "Paula",
    "Pierre",
    "Quentin",
    "Rosa",
    "Sam",
    "Sofia",
    "Thomas",
    "Ulla",
    "Victor",
    "Wendy",
    "Xavier",
    "Yara",
    "Zoe",
    "Amir",
    "Chloe",
    "Daniel",
    "Elena",
    "Finn",
    "Hannah",
    "Leo",
    "Mia",
    "Noah",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Muller",
    "Schmidt",
    "Schneider",
    "Smith",
    "Jones",
    "Brown",
    "Taylor",
    "Garcia",
    "Rossi",
    "Russo",
    "Janssen",
    "Peeters",
    "Wilson",
    "Moreau",
    "Laurent",
    "Fischer",
    "Weber",
    "Wagner",
    "Becker",
    "Lopez",
    "Romano",
    "Visser",
    "Clark",
    "Lewis",
    "Walker",
    "Young",
    "King",
    "Wright",
    "Hill",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Carter",
    "Mitchell",
    "Roberts",
]
LEAD_SOURCES = ["web", "web", "web", "event", "partner", "outbound", "referral", "paid_search"]

BLOG = [
    "lead-scoring-101",
    "mql-is-dead",
    "intent-data-explained",
    "abm-playbook",
    "revops-metrics",
    "dbt-for-marketers",
    "attribution-models",
    "predictive-scoring-guide",
    "account-scoring",
    "pipeline-velocity",
    "churn-signals",
    "nps-benchmarks",
    "marketing-ops-stack",
    "data-quality-checklist",
    "buyer-journey-2026",
    "sales-handoff",
]
FEATURES = ["dashboards", "alerts", "api", "workflows", "sso", "forecasting"]
DOCS = [
    "getting-started",
    "install",
    "warehouse-setup",
    "scoring-models",
    "api-reference",
    "sso",
    "faq",
]
JOBS = ["data-engineer", "account-executive", "customer-success-manager", "product-designer"]
WEBINARS = [
    "scoring-in-the-warehouse",
    "revops-roundtable",
    "abm-masterclass",
    "intent-signals-live",
    "churn-prediction-workshop",
    "pipeline-review-clinic",
    "forecasting-live",
    "data-contracts-101",
    "customer-health-scores",
    "plg-meets-sales",
    "benchmark-report-live",
    "q4-planning",
]
EBOOKS = [
    "lead-scoring-guide",
    "revops-handbook",
    "abm-benchmarks",
    "intent-data-report",
    "churn-playbook",
    "marketing-ops-maturity",
    "attribution-guide",
    "forecasting-field-guide",
    "data-quality-ebook",
    "plg-scoring",
    "customer-health-ebook",
    "budget-planning-kit",
]
ADDONS = ["enrichment", "data-sync", "advanced-forecasting", "premium-support"]

# Page categories, in the column order of the profile matrix in _events.py.
PAGE_CATEGORIES = [
    ["/"],
    [f"/blog/{s}" for s in BLOG],
    [f"/product/{s}" for s in FEATURES],
    ["/pricing"],
    ["/customers"],
    ["/integrations"],
    [f"/docs/{s}" for s in DOCS],
    [f"/webinars/{s}" for s in WEBINARS],
    [f"/resources/ebook-{s}" for s in EBOOKS],
    ["/careers"] + [f"/careers/{s}" for s in JOBS],
    [f"/addons/{s}" for s in ADDONS],
    ["/account/cancel", "/account/downgrade", "/account/refund"],
    ["/demo", "/contact"],
]

REFERRERS = [
    "https://www.google.com/",
    "https://www.bing.com/",
    "https://duckduckgo.com/",
    "https://www.linkedin.com/",
    "https://www.linkedin.com/feed/",
    f"{SITE}/",
    f"{SITE}/blog/{BLOG[0]}",
    "https://news.ycombinator.com/",
]
REFERRER_WEIGHTS = [30, 5, 2, 8, 4, 12, 3, 1]  # remaining mass: no referrer
MAIL_REFERRERS = [
    "https://mail.google.com/",
    "https://outlook.live.com/",
    "https://mail.yahoo.com/",
]

USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/128.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:129.0) Gecko/20100101 Firefox/129.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/127.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/128.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/128.0.0.0 Safari/537.36 Edg/128.0.0.0",
]
USER_AGENT_WEIGHTS = [35, 15, 10, 15, 12, 8, 5]
BOT_USER_AGENTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "python-requests/2.32.3",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/126.0.0.0 Safari/537.36",
]

# The types the raw data contract accepts (meta.accepted_values in the sources YAML),
# drawn from by position: a weight list follows its contract list's order.
EMAIL_EVENT_TYPES = accepted_values("email_events", "event_type")
FORM_TYPES = accepted_values("form_submissions", "form_type")
USAGE_EVENTS = accepted_values("product_usage_events", "event_name")
# How often each usage event happens (a contract value without a weight fails here).
USAGE_EVENT_WEIGHTS = {
    "login": 0.34,
    "feature_used": 0.36,
    "report_created": 0.12,
    "invite_sent": 0.05,
    "integration_connected": 0.03,
    "export": 0.10,
}
USAGE_WEIGHTS = [USAGE_EVENT_WEIGHTS[event] for event in USAGE_EVENTS]
FEATURE_WEIGHTS = [0.35, 0.2, 0.12, 0.15, 0.05, 0.13]
PRIORITIES = accepted_values("support_tickets", "priority")

BAD_TIMESTAMPS = ["not a date", "2026-13-45 25:61:00", "31/02/2026", "yesterday"]
BAD_DATES = ["not a date", "2026-13-45", "31/02/2026", "yesterday"]
UNKNOWN_TYPES = {
    "email_events": ["forward", "view_in_browser"],
    "form_submissions": ["job_application"],
    "product_usage_events": ["debug_ping"],
}
NPS_OUT_OF_RANGE = ["11", "-1", "12", "-2"]
# Offsets (minutes east of UTC) used for the few timestamps written with an offset.
OFFSETS = [(120, "+02:00"), (60, "+01:00"), (-300, "-05:00"), (330, "+05:30")]
