"""The latent demo world: accounts, contacts, intent, customers and their outcomes."""

from __future__ import annotations

import numpy as np

from . import _vocab as V
from ._io import DAY, DIRT, Calendar, calibrate, sig

INTENT_BOOST = 2.0  # latent intent added during a buying window
WINDOW_ACTIVITY = 4.0  # web activity multiplier during a buying window
NEVER = 10**7  # a day index far outside the period


class World:
    def __init__(self, rng: np.random.Generator, cal: Calendar, scale: float):
        self.rng, self.cal, self.scale = rng, cal, scale
        self.D = cal.n_days
        self._accounts()
        self._contacts()
        self._customers()
        self._campaigns()
        self._opportunities()
        self._outcomes()
        self._forms()

    # ------------------------------------------------------------------ accounts
    def _accounts(self):
        rng = self.rng
        na = self.na = max(20, round(2000 * self.scale))
        fit = rng.standard_normal(na)
        good = rng.random(na) < sig(1.3 * fit - 0.4)
        n_fit, n_other = len(V.INDUSTRIES_FIT), len(V.INDUSTRIES_OTHER)
        self.industry_vocab = V.INDUSTRIES_FIT + V.INDUSTRIES_OTHER
        ind = np.where(good, rng.integers(n_fit, size=na), n_fit + rng.integers(n_other, size=na))
        self.industry = np.where(rng.random(na) < 0.03, -1, ind)
        emp = np.exp(rng.normal(4.3 + 0.9 * fit, 1.2))
        self.employees = np.clip(np.round(emp), 1, 50000).astype(np.int64)
        rev = self.employees * np.exp(rng.normal(np.log(120_000) + 0.2 * fit, 0.5))
        self.revenue = np.maximum(np.round(rev, -3), 1000)
        self.revenue_null = rng.random(na) < 0.12
        cw = np.array(V.COUNTRY_WEIGHTS, float)
        self.country = rng.choice(len(V.COUNTRIES), size=na, p=cw / cw.sum())
        # Names and domains: distinct (prefix, core) combinations, numbered once exhausted.
        n_pc = len(V.NAME_PREFIX) * len(V.NAME_CORE)
        combo = np.concatenate([rng.permutation(n_pc) for _ in range(na // n_pc + 1)])[:na]
        rep = np.arange(na) // n_pc
        suffix = rng.integers(len(V.NAME_SUFFIX), size=na)
        names, domains = [], []
        for i in range(na):
            p = V.NAME_PREFIX[combo[i] // len(V.NAME_CORE)]
            c = V.NAME_CORE[combo[i] % len(V.NAME_CORE)]
            base = p + c
            num = str(rep[i] + 1) if rep[i] else ""
            names.append(f"{base}{num and ' ' + num}{V.NAME_SUFFIX[suffix[i]]}")
            tld = V.TLD_BY_COUNTRY.get(V.COUNTRIES[self.country[i]], ".com")
            domains.append(f"{base.lower()}{num}{tld if rng.random() < 0.5 else '.com'}")
        # kind: 0 normal, 1 competitor, 2 test account, 3 internal (vendor domain)
        self.kind = np.zeros(na, np.int64)
        n_int = max(1, round(DIRT.internal_account * na))
        special = rng.choice(na, size=n_int + len(V.COMPETITORS), replace=False)
        for j, i in enumerate(special[: len(V.COMPETITORS)]):
            names[i], domains[i] = V.COMPETITORS[j]
            self.kind[i] = 1
        for j, i in enumerate(special[len(V.COMPETITORS) :]):
            if j % 3 == 0:
                names[i] = f"Test Account {j + 1}"
                self.kind[i] = 2
            elif j % 3 == 1:
                names[i] = "ZZZ Dummy Co" if j == 1 else f"ZZZ Dummy Co {j}"
                self.kind[i] = 2
            else:
                names[i], domains[i] = "Scorehouse" + (f" {j}" if j > 2 else ""), V.VENDOR_DOMAIN
                self.kind[i] = 3
        fit[self.kind > 0] = rng.normal(-2.5, 0.3, int((self.kind > 0).sum()))
        self.n_internal_accounts = n_int
        self.acc_fit, self.acc_name, self.acc_domain = fit, names, domains
        # Creation day (may be adjusted earlier to precede its contacts and deals).
        self.acc_created = np.where(
            rng.random(na) < 0.9, -rng.integers(30, 2500, size=na), rng.integers(0, self.D, na)
        )

    # ------------------------------------------------------------------ contacts
    def _contacts(self):
        rng, na = self.rng, self.na
        nc = self.nc = max(100, round(20000 * self.scale))
        w = np.where(self.kind == 0, self.employees.astype(float) ** 0.45, 1.0)
        acc = rng.choice(na, size=nc, p=w / w.sum())
        u = rng.random(nc)
        acc = np.where(u < 0.05, -1, acc)  # lead not matched to an account
        missing = (u >= 0.05) & (u < 0.05 + DIRT.missing_account)
        acc = np.where(missing, -2, acc)
        self.missing_acc_id = rng.integers(900000, 999999, size=nc)
        self.c_acc, self.c_missing = acc, missing
        tw = np.array([t[2] for t in V.TITLES], float)
        title = rng.choice(len(V.TITLES), size=nc, p=tw / tw.sum())
        self.c_title = title
        has_acc = acc >= 0
        akind = np.where(has_acc, self.kind[np.maximum(acc, 0)], 0)
        free = np.where(acc < 0, rng.random(nc) < 0.45, rng.random(nc) < 0.06) & (akind == 0)
        self.c_free = free
        boost = np.array([t[1] for t in V.TITLES])[title]
        afit = np.where(has_acc, self.acc_fit[np.maximum(acc, 0)], rng.standard_normal(nc))
        fit = 0.6 * afit + boost + 0.5 * rng.standard_normal(nc) - 0.8 * free
        fit = np.where(akind > 0, fit - 2.0, fit)
        self.c_fit = fit
        self.c_base = rng.normal(0, 0.8, nc) + 0.15 * fit
        self.c_act = np.exp(rng.normal(0, 1.1, nc) + 0.3 * self.c_base)
        has_win = rng.random(nc) < sig(-2.0 + 0.6 * fit + 0.7 * self.c_base)
        ws = rng.integers(-30, self.D + 45, size=nc)
        we = ws + rng.integers(14, 61, size=nc)
        self.win_s = np.where(has_win, ws, NEVER)
        self.win_e = np.where(has_win, we, NEVER)
        ov = np.clip(np.minimum(self.win_e, self.D) - np.maximum(self.win_s, self.D - 30), 0, 30)
        self.c_intent30 = self.c_base + INTENT_BOOST * ov / 30.0
        # Anonymous ids: 1-3 per contact, then pure visitors, then bots (labels shuffled).
        self.c_nanon = 1 + (rng.random(nc) < 0.35) + (rng.random(nc) < 0.1)
        self.c_anon0 = np.concatenate([[0], np.cumsum(self.c_nanon)[:-1]])
        n_cont_anon = int(self.c_nanon.sum())
        self.nv = max(200, round(60000 * self.scale))
        self.v_act = np.exp(rng.normal(-0.5, 1.0, self.nv))
        self.v_low = rng.random(self.nv) < 0.25
        self.v_anon0 = n_cont_anon
        self.nbots = max(3, round(6 * self.scale**0.25))
        self.bot_anon0 = n_cont_anon + self.nv
        n_anon = self.bot_anon0 + self.nbots
        self.anon_label = rng.permutation(n_anon) + 1
        uw = np.array(V.USER_AGENT_WEIGHTS, float)
        self.anon_ua = rng.choice(len(V.USER_AGENTS), size=n_anon, p=uw / uw.sum())
        self.anon_ua[self.bot_anon0 :] = len(V.USER_AGENTS) + np.arange(self.nbots) % len(
            V.BOT_USER_AGENTS
        )
        # Creation: 65% before the period, the rest during it (the first form creates them).
        pre = rng.random(nc) < 0.65
        day = np.where(pre, -rng.integers(1, 1500, size=nc), rng.integers(0, self.D, size=nc))
        self.c_new = ~pre
        self.c_created = self.cal.t0 + day * DAY + rng.integers(6 * 3600, 20 * 3600, size=nc)
        self._contact_text(acc, akind, free, title)
        # Contacts of each real account, for picking users/respondents.
        order = np.argsort(np.where(acc >= 0, acc, na), kind="stable")
        self.by_acc = order
        cnt = np.bincount(acc[acc >= 0], minlength=na)
        self.acc_nc, self.acc_c0 = cnt, np.concatenate([[0], np.cumsum(cnt)[:-1]])

    def _contact_text(self, acc, akind, free, title):
        rng, nc = self.rng, self.nc
        fi = rng.integers(len(V.FIRST_NAMES), size=nc)
        li = rng.integers(len(V.LAST_NAMES), size=nc)
        fw = np.array(V.FREEMAIL_WEIGHTS, float)
        fm = rng.choice(len(V.FREEMAIL), size=nc, p=fw / fw.sum())
        variant = rng.random(nc)
        seen: dict[str, int] = {}
        first, last, emails, titles = [], [], [], []
        n_test = 0
        for i in range(nc):
            f, la = V.FIRST_NAMES[fi[i]], V.LAST_NAMES[li[i]]
            if akind[i] == 2:
                f, la = "Test", f"User{i}"
                n_test += 1
            elif akind[i] == 3:
                n_test += 1
            if free[i]:
                dom = V.FREEMAIL[fm[i]]
            elif acc[i] >= 0:
                dom = self.acc_domain[acc[i]]
            else:  # unmatched lead from an unknown company (or a missing account)
                dom = f"{V.NAME_PREFIX[fi[i] % len(V.NAME_PREFIX)].lower()}-corp{i % 97}.com"
            local = f"{f}.{la}".lower()
            k = seen.get(local + dom, 0)
            seen[local + dom] = k + 1
            emails.append(f"{local}{k if k else ''}@{dom}")
            first.append(f)
            last.append(la)
            t = V.TITLES[title[i]][0]
            titles.append(t.lower() if variant[i] < 0.08 else t.upper() if variant[i] < 0.12 else t)
        self.n_internal_contacts = n_test
        self.c_email, self.c_first, self.c_last, self.c_titles = emails, first, last, titles
        self.c_country = np.where(
            (acc >= 0) & (rng.random(nc) < 0.85),
            self.country[np.maximum(acc, 0)],
            rng.integers(len(V.COUNTRIES), size=nc),
        )
        self.c_first_null = rng.random(nc) < 0.02
        self.c_last_null = rng.random(nc) < 0.03
        self.c_source = np.where(
            rng.random(nc) < 0.1, -1, rng.integers(len(V.LEAD_SOURCES), size=nc)
        )

    # ------------------------------------------------------------------ customers
    def _customers(self):
        rng, na = self.rng, self.na
        score = 0.7 * self.acc_fit + rng.standard_normal(na)
        score[self.kind > 0] = -np.inf
        cut = np.sort(score)[::-1][max(1, round(0.15 * na)) - 1]
        self.cust0 = score >= cut
        self.health = 0.3 * self.acc_fit + rng.normal(0, 0.95, na)
        acv = 2400 * self.employees.astype(float) ** 0.4 * np.exp(rng.normal(0, 0.35, na))
        self.acv = np.round(np.clip(acv, 3000, 400000), -2)
        self.cust_from = np.where(self.cust0, -NEVER, NEVER)
        self.cust_to = np.full(na, NEVER)
        self.renewal_day = rng.integers(0, 365, size=na)
        self.acc_created = np.where(self.cust0, -np.abs(self.acc_created) - 400, self.acc_created)

    # ------------------------------------------------------------------ campaigns
    def _campaigns(self):
        """Four sends a month: newsletter, product update, webinar invite, ebook promo."""
        rng, cal = self.rng, self.cal
        rows = []
        for m, (ms, me) in enumerate(cal.months):
            for ctype, lo_frac in ((0, 0.0), (1, 0.45), (2, 0.2), (3, 0.05)):
                day = ms + int(lo_frac * (me - ms)) + int(rng.integers(0, 4))
                if day >= me:
                    continue
                dow = (day + cal.start.weekday()) % 7
                day = day + (7 - dow if dow >= 5 else 0)
                if day >= cal.n_days:
                    continue
                t = cal.t0 + day * DAY + int(rng.integers(8 * 3600, 10 * 3600))
                rows.append((t, ctype, m))
        rows.sort()
        self.camp_t = np.array([r[0] for r in rows], np.int64)
        self.camp_type = np.array([r[1] for r in rows], np.int64)
        self.camp_month = np.array([r[2] for r in rows], np.int64)
        # Webinars take place ~2 weeks after the invite; ebooks launch with their promo.
        self.camp_event_t = np.where(self.camp_type == 2, self.camp_t + 14 * DAY, self.camp_t)

    # ------------------------------------------------------------------ opportunities
    def _opportunities(self):
        rng, D = self.rng, self.D
        acc, fit = self.c_acc, self.c_fit
        real = acc >= 0
        ak = np.where(real, self.kind[np.maximum(acc, 0)], 1)
        cand = real & (ak == 0) & (self.win_s < D) & ~self.cust0[np.maximum(acc, 0)]
        cand &= rng.random(self.nc) < sig(0.5 + 0.9 * fit)
        created = np.maximum(self.win_s, 0) + rng.integers(5, 26, size=self.nc)
        cand &= created < D
        ci = np.nonzero(cand)[0]
        ci = ci[np.lexsort((created[ci], acc[ci]))]
        # One open deal per account at a time: drop deals opened within 120 days of the
        # account's previous one.
        same = np.concatenate([[False], acc[ci][1:] == acc[ci][:-1]])
        gap = np.concatenate([[NEVER], np.diff(created[ci])])
        ci = ci[~same | (gap > 120)]
        close = created[ci] + rng.integers(20, 101, size=len(ci))
        won = rng.random(len(ci)) < sig(-1.3 + 0.9 * fit[ci] + 0.4 * self.c_base[ci])
        # No new business after the account's first win.
        first_win = np.full(self.na, NEVER)
        np.minimum.at(first_win, acc[ci][won], close[won])
        keep = created[ci] <= first_win[acc[ci]]
        ci, close, won = ci[keep], close[keep], won[keep]
        a = acc[ci]
        nb_stage = np.where(close >= D, 0, np.where(won, 1, 2))  # 0 open, 1 won, 2 lost
        w = nb_stage == 1
        np.minimum.at(self.cust_from, a[w], close[w])
        self.acc_created[a] = np.minimum(self.acc_created[a], created[ci] - 3)
        self.open_nb_contact = np.zeros(self.nc, bool)
        self.open_nb_contact[ci[nb_stage == 0]] = True
        opps = [(a, ci, 0, nb_stage, self.acv[a], created[ci], close)]
        # Renewals of customers at start: lost with a probability falling in health.
        r = np.nonzero(self.cust0)[0]
        rday = self.renewal_day[r]
        keep = rday - 60 < D
        r, rday = r[keep], rday[keep]
        b = calibrate(-1.8 * self.health[r], 0.10)
        lost = rng.random(len(r)) < sig(b - 1.8 * self.health[r])
        stage = np.where(rday >= D, 0, np.where(lost, 2, 1))
        self.cust_to[r[stage == 2]] = rday[stage == 2]
        opps.append((r, self._contact_of(r), 2, stage, self.acv[r], rday - 60, rday))
        # Expansions during the customer's active time.
        cust = np.nonzero(self.cust_from < D)[0]
        lo = np.maximum(self.cust_from[cust], 0)
        hi = np.minimum(self.cust_to[cust], D)
        lam = 0.9 * np.exp(0.4 * self.health[cust]) * np.maximum(hi - lo, 0) / 365
        k = rng.poisson(lam)
        e = np.repeat(cust, k)
        ec = (np.repeat(lo, k) + rng.random(len(e)) * (np.repeat(hi, k) - np.repeat(lo, k))).astype(
            np.int64
        )
        eclose = ec + rng.integers(15, 61, size=len(e))
        ewon = rng.random(len(e)) < sig(0.2 + 0.8 * self.health[e])
        estage = np.where(eclose >= D, 0, np.where(ewon, 1, 2))
        eamt = np.round(self.acv[e] * rng.uniform(0.1, 0.5, len(e)), -2)
        opps.append((e, self._contact_of(e), 1, estage, eamt, ec, eclose))
        cat = [
            np.concatenate([np.broadcast_to(np.asarray(o[j]), len(o[0])) for o in opps])
            for j in range(7)
        ]
        created_s = self.cal.t0 + cat[5] * DAY + rng.integers(7 * 3600, 18 * 3600, len(cat[0]))
        closed_s = self.cal.t0 + cat[6] * DAY + rng.integers(7 * 3600, 18 * 3600, len(cat[0]))
        order = np.argsort(created_s, kind="stable")
        self.opp = {
            "acc": cat[0][order],
            "contact": cat[1][order],
            "type": cat[2][order],
            "stage": cat[3][order],
            "amount": cat[4][order],
            "created": created_s[order],
            "closed": closed_s[order],
        }

    def _contact_of(self, accs, p_null=0.1):
        """A random contact of each account (-1 when none, or with probability p_null)."""
        accs = np.asarray(accs, np.int64)
        n = self.acc_nc[accs]
        pick = self.acc_c0[accs] + (self.rng.random(len(accs)) * np.maximum(n, 1)).astype(np.int64)
        c = self.by_acc[np.minimum(pick, self.nc - 1)]
        return np.where((n > 0) & (self.rng.random(len(accs)) >= p_null), c, -1)

    # ------------------------------------------------------------------ outcomes
    def _outcomes(self):
        rng, D = self.rng, self.D
        self.active_end = (self.cust_from < D) & (self.cust_to >= D)
        act = np.nonzero(self.active_end)[0]
        h = self.health[act]
        self.churned = np.zeros(self.na, bool)
        self.expanded = np.zeros(self.na, bool)
        b = calibrate(-1.8 * h, 0.08)
        self.churned[act] = rng.random(len(act)) < sig(b - 1.8 * h)
        x = 0.9 * h + 0.4 * self.acc_fit[act] + 0.3 * np.log10(self.employees[act])
        g = calibrate(x, 0.10)
        self.expanded[act] = (rng.random(len(act)) < sig(g + x)) & ~self.churned[act]
        acc = self.c_acc
        real = acc >= 0
        ak = np.where(real, self.kind[np.maximum(acc, 0)], 0)
        elig = (ak == 0) & ~np.where(real, self.active_end[np.maximum(acc, 0)], False)
        # A deal is won by the account's buying group: the account converts with a
        # probability rising in its best contact's fit and recent intent; its contacts
        # within 1.5 of that best score are the converted contacts. Unmatched leads convert
        # on their own.
        x = np.where(
            elig, 1.0 * self.c_fit + 1.2 * self.c_intent30 + 1.5 * self.open_nb_contact, -50.0
        )
        best = np.full(self.na, -50.0)
        np.maximum.at(best, acc[real], x[real])
        a_elig = (self.kind == 0) & ~self.active_end & (best > -50)
        lead = (acc < 0) & elig
        unit = np.concatenate([best[a_elig], x[lead]])
        a = calibrate(unit, 0.09)
        self.acc_conv = a_elig & (rng.random(self.na) < sig(a + best))
        lead_conv = lead & (rng.random(self.nc) < sig(a + x))
        grp = np.where(real, self.acc_conv[np.maximum(acc, 0)], False)
        grp &= x >= np.where(real, best[np.maximum(acc, 0)], 0) - 1.5
        self.c_conv = grp | lead_conv
        self.acc_intent = np.full(self.na, -np.inf)
        np.maximum.at(self.acc_intent, acc[real], self.c_intent30[real])

    # ------------------------------------------------------------------ forms
    def _forms(self):
        rng, cal, D, nc = self.rng, self.cal, self.D, self.nc
        parts = []  # (contact, time, form type, page category, page index)
        # Lead capture: contacts created during the period come in through a form.
        c = np.nonzero(self.c_new)[0]
        ft = rng.choice([1, 2, 3, 4, 0], size=len(c), p=[0.15, 0.2, 0.35, 0.2, 0.1])
        parts.append((c, self.c_created[c] - rng.integers(5, 600, len(c)), ft))
        # Campaign forms: webinar registrations and ebook downloads.
        day_of = (self.camp_event_t - cal.t0) // DAY
        for k in np.nonzero(self.camp_type >= 2)[0]:
            d = min(int(day_of[k]), D - 1)
            inw = (self.win_s <= d) & (d < self.win_e)
            it = self.c_base + INTENT_BOOST * inw
            p = sig(-4.9 + 0.6 * it + 0.3 * self.c_fit + 0.3 * np.log(self.c_act))
            c = np.nonzero(rng.random(nc) < p)[0]
            if self.camp_type[k] == 2:
                t = self.camp_event_t[k] - (rng.exponential(5.0, len(c)) * DAY).astype(np.int64)
            else:
                t = self.camp_event_t[k] + (rng.exponential(4.0, len(c)) * DAY).astype(np.int64)
            parts.append((c, t, np.full(len(c), 4 if self.camp_type[k] == 2 else 3)))
        # Demo requests early in a buying window.
        c = np.nonzero((self.win_s < D) & (rng.random(nc) < sig(0.3 + 0.8 * self.c_fit)))[0]
        lo = np.maximum(self.win_s[c], 0)
        hi = np.maximum(lo + 1, (self.win_s[c] + 0.4 * (self.win_e[c] - self.win_s[c])))
        parts.append((c, cal.sample(rng, lo, hi.astype(np.int64)), np.zeros(len(c), np.int64)))
        # Background newsletter sign-ups and contact requests.
        k = rng.poisson(0.12 * np.sqrt(self.c_act))
        c = np.repeat(np.arange(nc), k)
        t = cal.sample(rng, np.zeros(len(c), np.int64), np.full(len(c), D))
        parts.append((c, t, rng.choice([2, 1], size=len(c), p=[0.7, 0.3])))
        fc = np.concatenate([p[0] for p in parts])
        ftime = np.concatenate([p[1] for p in parts]).astype(np.int64)
        ftype = np.concatenate([p[2] for p in parts]).astype(np.int64)
        ok = (ftime >= cal.t0) & (ftime < cal.t1)
        order = np.argsort(ftime[ok], kind="stable")
        self.f_c, self.f_t, self.f_type = fc[ok][order], ftime[ok][order], ftype[ok][order]
        # A new lead exists from its first form on.
        first = np.full(nc, np.iinfo(np.int64).max)
        np.minimum.at(first, self.f_c, self.f_t)
        self.c_created = np.where(
            self.c_new, np.minimum(self.c_created, first + 30), self.c_created
        )
        real = self.c_acc >= 0
        cday = (self.c_created[real] - cal.t0) // DAY
        np.minimum.at(self.acc_created, self.c_acc[real], cday - 1)
        nf = len(self.f_c)
        self.f_anon = np.where(
            rng.random(nf) < 0.8,
            self.c_anon0[self.f_c] + (rng.random(nf) * self.c_nanon[self.f_c]).astype(np.int64),
            -1,
        )
        # Form page: demo/contact pages, a blog post, the campaign's ebook/webinar page.
        month = (
            np.searchsorted(
                np.array([m[0] for m in cal.months]), (self.f_t - cal.t0) // DAY, side="right"
            )
            - 1
        )
        page = np.select(
            [self.f_type == 0, self.f_type == 1, self.f_type == 2, self.f_type == 3],
            [
                np.zeros(nf, np.int64),
                np.ones(nf, np.int64),
                rng.integers(len(V.BLOG), size=nf),
                month % len(V.EBOOKS),
            ],
            month % len(V.WEBINARS),
        )
        cat = np.array([12, 12, 1, 8, 7])[self.f_type]
        self.f_page = (cat, page)
