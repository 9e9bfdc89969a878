"""The large event tables, generated and written month by month."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import _vocab as V
from ._io import DAY, DIRT, Emitter, ids, opt_ids, sig, take
from ._world import INTENT_BOOST, WINDOW_ACTIVITY, World

URLS = [V.SITE + p for cat in V.PAGE_CATEGORIES for p in cat]
CAT_SIZE = np.array([len(c) for c in V.PAGE_CATEGORIES])
CAT_OFF = np.concatenate([[0], np.cumsum(CAT_SIZE)[:-1]])
# Page-category mix per visitor profile (columns follow V.PAGE_CATEGORIES).
PROFILES = np.array(
    [
        [15, 28, 14, 4, 5, 5, 7, 5, 8, 4, 0, 0, 5],  # prospect
        [7, 7, 22, 22, 12, 9, 6, 5, 3, 0, 0, 0, 7],  # in a buying window
        [15, 35, 4, 1, 2, 2, 3, 2, 5, 31, 0, 0, 0],  # low fit (students, recruiters...)
        [8, 10, 14, 2, 3, 10, 35, 3, 3, 2, 10, 0, 0],  # customer
        [6, 5, 8, 6, 2, 5, 30, 1, 1, 2, 2, 30, 2],  # at-risk customer
    ],
    float,
)
PROFILE_CUM = np.cumsum(PROFILES / PROFILES.sum(1, keepdims=True), 1)
UA_VOCAB = pa.array(V.USER_AGENTS + V.BOT_USER_AGENTS, pa.string())
REF_W = np.array(V.REFERRER_WEIGHTS, float)
N_REF = len(V.REFERRERS)
CHUNK = 1_000_000  # rows formatted and written at a time
REF_VOCAB = pa.array(V.REFERRERS + V.MAIL_REFERRERS, pa.string())


def url_index(rng, cat):
    """A page of each category, popular pages first."""
    k = (CAT_SIZE[cat] * rng.random(len(cat)) ** 1.6).astype(np.int64)
    return CAT_OFF[cat] + np.minimum(k, CAT_SIZE[cat] - 1)


def referrers(rng, n, p_none=0.35):
    r = rng.choice(len(REF_W), size=n, p=REF_W / REF_W.sum())
    return np.where(rng.random(n) < p_none, -1, r)


class Events:
    def __init__(self, world: World, em: Emitter):
        self.w, self.em, self.rng, self.cal = world, em, em.rng, em.cal
        self.url_vocab = pa.array(URLS, pa.string())
        self.n_pv = self.n_ee = self.n_ue = 0
        self.carry: list[tuple] = []
        w, cal, scale = world, self.cal, world.scale
        win_w = cal.weight(w.win_s, w.win_e)
        tot = (w.c_act * (cal.cum[-1] + (WINDOW_ACTIVITY - 1) * win_w)).sum()
        self.lam_c = w.c_act * 370_000 * scale / tot
        self.lam_v = w.v_act * 190_000 * scale / (w.v_act.sum() * cal.cum[-1])
        self.burst = 1500 * scale
        # Product usage: size, and a trend that declines over the period for low health.
        self.slope = np.clip(0.6 * w.health, -0.75, 0.3)
        self.size = w.employees.astype(float) ** 0.3
        exp_total = sum(self._usage_rate(ms, me).sum() for ms, me in cal.months)
        self.usage_k = 80_000 * scale / max(exp_total, 1e-9)

    def _usage_rate(self, ms, me):
        w = self.w
        wt = self.cal.weight(np.maximum(w.cust_from, ms), np.minimum(w.cust_to, me))
        f = np.clip(1 + self.slope * ((ms + me) / 2 / w.D), 0.1, 2.0)
        return wt * f * self.size

    def run(self):
        for m, (ms, me) in enumerate(self.cal.months):
            clicks = self.email_month(m)
            self.page_views_month(ms, me, clicks)
            self.usage_month(ms, me)

    # ------------------------------------------------------------------ email
    def email_month(self, m):
        w, rng = self.w, self.rng
        if not hasattr(self, "subscribed"):
            self.subscribed = (rng.random(w.nc) < 0.75) & ~w.c_missing
            self.bad_email = rng.random(w.nc) < 0.02
        parts, clicks = [], []
        for k in np.nonzero(w.camp_month == m)[0]:
            t0, ctype = int(w.camp_t[k]), int(w.camp_type[k])
            day = (t0 - self.cal.t0) // DAY
            if ctype == 1:  # product update: customers' contacts, a few prospects
                cust = np.where(w.c_acc >= 0, w.cust_from[np.maximum(w.c_acc, 0)] <= day, False)
                seg = np.where(cust, 0.9, 0.12)
            else:
                seg = {0: 0.55, 2: 0.4 * sig(w.c_fit), 3: 0.25}[ctype]
            r = np.nonzero(self.subscribed & (w.c_created < t0) & (rng.random(w.nc) < seg))[0]
            n = len(r)
            ts = t0 + rng.integers(0, 3600, n)
            hard = self.bad_email[r]
            soft = ~hard & (rng.random(n) < 0.008)
            bounce = hard | soft
            self.subscribed[r[hard]] = False
            parts.append((r[bounce], ts[bounce] + 5, 3, np.where(hard[bounce], 0, 1), None, k))
            d, td = r[~bounce], ts[~bounce]
            parts.append((d, td, 0, None, None, k))
            inw = (w.win_s[d] <= day) & (day < w.win_e[d])
            it = w.c_base[d] + INTENT_BOOST * inw
            fit = w.c_fit[d]
            opened = rng.random(len(d)) < sig(-1.5 + 0.35 * fit + 0.7 * it)
            o, to = d[opened], td[opened]
            first_open = to + (rng.exponential(6 * 3600, len(o))).astype(np.int64) + 30
            reopen = rng.poisson(0.4, len(o))
            ro = np.repeat(np.arange(len(o)), reopen)
            t_re = first_open[ro] + rng.exponential(DAY, len(ro)).astype(np.int64) + 60
            parts.append(
                (np.concatenate([o, o[ro]]), np.concatenate([first_open, t_re]), 1, None, None, k)
            )
            cl = rng.random(len(o)) < sig(-1.6 + 0.3 * fit[opened] + 0.9 * it[opened])
            c, tc = o[cl], first_open[cl] + rng.integers(5, 600, int(cl.sum()))
            if ctype == 0:
                cat = np.where(rng.random(len(c)) < 0.7, 1, 2)
                link = url_index(rng, cat)
            elif ctype == 1:
                link = url_index(rng, np.where(rng.random(len(c)) < 0.6, 2, 10))
            else:
                cat, pages = (7, V.WEBINARS) if ctype == 2 else (8, V.EBOOKS)
                link = np.full(len(c), CAT_OFF[cat] + m % len(pages))
            cid = f"CMP-{k + 1:06d}"
            utm = f"?utm_source=scorehouse&utm_medium=email&utm_campaign={cid}"
            url = pc.binary_join_element_wise(take(self.url_vocab, link), utm, "")
            parts.append((c, tc, 2, None, url, k))
            clicks.append((c, tc + rng.integers(1, 9, len(c)), url))
            p_un = 0.003 * np.exp(-0.5 * fit)
            un = rng.random(len(d)) < p_un
            self.subscribed[d[un]] = False
            parts.append(
                (
                    d[un],
                    td[un] + rng.exponential(DAY, int(un.sum())).astype(np.int64),
                    4,
                    None,
                    None,
                    k,
                )
            )
            sp = rng.random(len(d)) < 0.0006
            parts.append((d[sp], td[sp] + rng.integers(60, DAY, int(sp.sum())), 5, None, None, k))
        if not parts:
            return clicks
        camp = np.concatenate([np.full(len(p[0]), p[5]) for p in parts])
        c = np.concatenate([p[0] for p in parts])
        t = np.concatenate([p[1] for p in parts]).astype(np.int64)
        typ = np.concatenate([np.full(len(p[0]), p[2]) for p in parts])
        bt = np.concatenate([p[3] if p[3] is not None else np.full(len(p[0]), -1) for p in parts])
        url = pa.concat_arrays(
            [p[4] if p[4] is not None else pa.nulls(len(p[0]), pa.string()) for p in parts]
        )
        keep = np.nonzero(t < self.cal.t1)[0]
        order = keep[np.argsort(t[keep], kind="stable")]
        c, t, typ, bt, camp = c[order], t[order], typ[order], bt[order], camp[order]
        url = url.take(pa.array(order))
        n = len(c)
        rec = t + np.exp(rng.normal(3.0, 1.2, n)).astype(np.int64) + 1

        def unknown(cols, mask):
            vocab = V.UNKNOWN_TYPES["email_events"]
            cols["event_type"] = pc.replace_with_mask(
                cols["event_type"],
                pa.array(mask),
                take(vocab, rng.integers(len(vocab), size=int(mask.sum()))),
            )

        def null_contact(cols, mask):
            cols["contact_id"] = pc.if_else(
                pa.array(mask), pa.scalar(None, pa.string()), cols["contact_id"]
            )

        self.em.emit(
            "email_events",
            ("email_event_id", ids("EE-", np.arange(self.n_ee + 1, self.n_ee + n + 1), 9)),
            {
                "contact_id": ids("CON-", c + 1, 7),
                "campaign_id": ids("CMP-", camp + 1, 6),
                "event_type": take(V.EMAIL_EVENT_TYPES, typ),
                "bounce_type": take(["hard", "soft"], bt),
                "url": url,
            },
            {"occurred_at": (t, None, False), "received_at": (rec, None, False)},
            "occurred_at",
            event=True,
            extra=[
                ("unknown_event_type", DIRT.unknown_event_type, unknown),
                ("null_contact_id", DIRT.null_email_contact, null_contact),
            ],
        )
        self.n_ee += n
        return clicks

    # ------------------------------------------------------------------ page views
    def page_views_month(self, ms, me, clicks):
        w, rng, cal = self.w, self.rng, self.cal
        t_ms, t_me = cal.t0 + ms * DAY, cal.t0 + me * DAY
        parts = []  # (anon, contact, url pa array, referrer idx, time)
        # Known contacts browsing anonymously, more (and other pages) in a buying window.
        nb = rng.poisson(self.lam_c * cal.weight(np.array(ms), np.array(me)))
        lo, hi = np.clip(w.win_s, ms, me), np.clip(w.win_e, ms, me)
        nw = rng.poisson(self.lam_c * (WINDOW_ACTIVITY - 1) * cal.weight(lo, hi))
        ci = np.concatenate([np.repeat(np.arange(w.nc), nb), np.repeat(np.arange(w.nc), nw)])
        elo = np.concatenate([np.full(nb.sum(), ms), np.repeat(lo, nw)])
        ehi = np.concatenate([np.full(nb.sum(), me), np.repeat(hi, nw)])
        t = cal.sample(rng, elo, ehi)
        day = (t - cal.t0) // DAY
        a = np.maximum(w.c_acc[ci], 0)
        cust = (w.c_acc[ci] >= 0) & (w.cust_from[a] <= day) & (day < w.cust_to[a])
        risk = cust & (w.health[a] < -0.6) & ((day > w.D - 120) | (day > w.cust_to[a] - 90))
        inw = (w.win_s[ci] <= day) & (day < w.win_e[ci])
        prof = np.select([risk, cust, inw, w.c_fit[ci] < -1.0], [4, 3, 1, 2], 0)
        anon = w.c_anon0[ci] + (rng.random(len(ci)) * w.c_nanon[ci]).astype(np.int64)
        parts.append((anon, None, self._pages(prof), referrers(rng, len(ci)), t))
        # Anonymous visitors who never identify.
        nv = rng.poisson(self.lam_v * cal.weight(np.array(ms), np.array(me)))
        vi = np.repeat(np.arange(w.nv), nv)
        t = cal.sample(rng, np.full(len(vi), ms), np.full(len(vi), me))
        prof = np.where(w.v_low[vi], 2, 0)
        parts.append((w.v_anon0 + vi, None, self._pages(prof), referrers(rng, len(vi)), t))
        # Bursts around this month's webinars and ebooks (social and search traffic).
        for k in np.nonzero((w.camp_event_t >= t_ms) & (w.camp_event_t < t_me))[0]:
            ctype = w.camp_type[k]
            if ctype < 2:
                continue
            n = rng.poisson(self.burst)
            vi = rng.choice(w.nv, size=n, p=w.v_act / w.v_act.sum())
            sign = -1 if ctype == 2 else 1
            t = w.camp_event_t[k] + sign * (rng.exponential(4.0, n) * DAY).astype(np.int64)
            cat, pages = (7, V.WEBINARS) if ctype == 2 else (8, V.EBOOKS)
            link = np.full(n, CAT_OFF[cat] + w.camp_month[k] % len(pages))
            ref = np.where(rng.random(n) < 0.6, 3, referrers(rng, n))
            parts.append((w.v_anon0 + vi, None, take(self.url_vocab, link), ref, t))
        # The form pages viewed just before each submission (same browser).
        f = np.nonzero((w.f_t >= t_ms) & (w.f_t < t_me) & (w.f_anon >= 0))[0]
        k = 1 + rng.poisson(0.8, len(f))
        fr = np.repeat(f, k)
        cat, page = w.f_page
        link = CAT_OFF[cat[fr]] + page[fr]
        t = w.f_t[fr] - rng.integers(20, 1800, len(fr))
        parts.append((w.f_anon[fr], None, take(self.url_vocab, link), referrers(rng, len(fr)), t))
        # Arrivals from email links carry the contact id.
        for c, tc, url in self.carry + clicks:
            inm = (tc >= t_ms) & (tc < t_me) if me < w.D else tc >= t_ms
            anon = w.c_anon0[c] + (rng.random(len(c)) * w.c_nanon[c]).astype(np.int64)
            ref = np.where(rng.random(len(c)) < 0.5, -1, N_REF + rng.integers(0, 3, len(c)))
            parts.append((anon[inm], c[inm], url.filter(pa.array(inm)), ref[inm], tc[inm]))
        self.carry = [
            (c[tc >= t_me], tc[tc >= t_me], url.filter(pa.array(tc >= t_me)))
            for c, tc, url in self.carry + clicks
        ]
        # Bots: a few anonymous ids crawling any page at any hour.
        n_human = sum(len(p[0]) for p in parts)
        nbot = int(round(n_human * DIRT.bot_page_view / (1 - DIRT.bot_page_view)))
        bi = rng.integers(w.nbots, size=nbot)
        t = t_ms + (rng.random(nbot) * (t_me - t_ms)).astype(np.int64)
        parts.append(
            (
                w.bot_anon0 + bi,
                None,
                take(self.url_vocab, rng.integers(len(URLS), size=nbot)),
                np.full(nbot, -1),
                t,
            )
        )
        anon = np.concatenate([p[0] for p in parts])
        contact = np.concatenate(
            [p[1] if p[1] is not None else np.full(len(p[0]), -1) for p in parts]
        )
        url = pa.concat_arrays([p[2] for p in parts])
        ref = np.concatenate([p[3] for p in parts])
        t = np.concatenate([p[4] for p in parts]).astype(np.int64)
        keep = np.nonzero((t >= cal.t0) & (t < cal.t1))[0]
        order = keep[np.argsort(t[keep], kind="stable")]
        anon, contact, ref, t = anon[order], contact[order], ref[order], t[order]
        url = url.take(pa.array(order))
        n = len(t)
        rec = t + np.exp(rng.normal(2.0, 1.0, n)).astype(np.int64) + 1
        for lo in range(0, n, CHUNK):  # bounded memory at large scales
            sl = slice(lo, min(lo + CHUNK, n))
            a, m = anon[sl], sl.stop - sl.start
            written = self.em.emit(
                "page_views",
                ("page_view_id", ids("PV-", np.arange(self.n_pv + 1, self.n_pv + m + 1), 10)),
                {
                    "anonymous_id": ids("anon-", w.anon_label[a], 8),
                    "contact_id": opt_ids("CON-", contact[sl], 7),
                    "url": url.slice(sl.start, m),
                    "referrer": take(REF_VOCAB, ref[sl]),
                    "user_agent": take(UA_VOCAB, w.anon_ua[a]),
                },
                {"occurred_at": (t[sl], None, False), "received_at": (rec[sl], None, False)},
                "occurred_at",
                event=True,
            )
            self.em.count("page_views", "bot_rows", (a >= w.bot_anon0)[written].sum())
            self.n_pv += m

    def _pages(self, prof):
        u = self.rng.random(len(prof))
        cat = (u[:, None] > PROFILE_CUM[prof]).sum(1)
        return take(self.url_vocab, url_index(self.rng, np.minimum(cat, len(CAT_SIZE) - 1)))

    # ------------------------------------------------------------------ product usage
    def usage_month(self, ms, me):
        w, rng, cal = self.w, self.rng, self.cal
        rate = self._usage_rate(ms, me) * self.usage_k
        k = rng.poisson(rate)
        a = np.repeat(np.arange(w.na), k)
        lo = np.repeat(np.clip(w.cust_from, ms, me), k)
        hi = np.repeat(np.clip(w.cust_to, ms, me), k)
        t = cal.sample(rng, lo, hi)
        order = np.argsort(t, kind="stable")
        a, t = a[order], t[order]
        n = len(a)
        ev = rng.choice(len(V.USAGE_EVENTS), size=n, p=V.USAGE_WEIGHTS)
        feat = rng.choice(len(V.FEATURES), size=n, p=V.FEATURE_WEIGHTS)
        contact = w._contact_of(a)
        rec = t + np.exp(rng.normal(1.5, 1.0, n)).astype(np.int64) + 1

        def unknown(cols, mask):
            cols["event_name"] = pc.replace_with_mask(
                cols["event_name"], pa.array(mask), pa.array(["debug_ping"] * int(mask.sum()))
            )

        self.em.emit(
            "product_usage_events",
            ("usage_event_id", ids("UE-", np.arange(self.n_ue + 1, self.n_ue + n + 1), 9)),
            {
                "account_id": ids("ACC-", a + 1, 6),
                "contact_id": opt_ids("CON-", contact, 7),
                "event_name": take(V.USAGE_EVENTS, ev),
                "feature": take(V.FEATURES, feat, ev != 1),
            },
            {"occurred_at": (t, None, False), "received_at": (rec, None, False)},
            "occurred_at",
            event=True,
            extra=[("unknown_event_type", DIRT.unknown_event_type, unknown)],
        )
        self.n_ue += n
