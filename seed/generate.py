"""Deterministic composition of names, codes, texts and historical times.

One Gen per seeding run: random.Random(SEED) drives every choice, so the same
date gives the same data set.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from core.clock import china_midnight, now
from core.creditcode import ALPHABET, check_character
from seed import vocab as v
from seed.vocab_clusters import Cluster

SEED = 20261129
HISTORY_START = date(2025, 1, 1)
_ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]  # GB 11714 organisation code check


def weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    values, weights = zip(*pairs)
    return rng.choices(values, weights=weights)[0]


class Gen:
    def __init__(self, today: date, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.now = now()
        self._names: set[str] = set()
        self._codes: set[str] = set()

    # ------------------------------------------------------------ people and codes

    def person_name(self) -> str:
        rng = self.rng
        n = len(v.SURNAMES)
        surname = rng.choices(v.SURNAMES, weights=[n - i for i in range(n)])[0]
        given = "".join(rng.sample(v.GIVEN_CHARS, 2 if rng.random() < 0.7 else 1))
        return surname + given

    def credit_code(self, division: str, *, institution: bool = False) -> str:
        """A valid 统一社会信用代码: authority+type, division, organisation code, check character."""
        rng = self.rng
        head = "12" if institution else rng.choice(["91", "91", "91", "92"])
        while True:
            body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
            total = sum(int(ch, 36) * w for ch, w in zip(body, _ORG_CODE_WEIGHTS))
            check = 11 - total % 11
            org_code = body + ("X" if check == 10 else "0" if check == 11 else str(check))
            first17 = head + division + org_code
            if all(ch in ALPHABET for ch in first17):
                code = first17 + check_character(first17)
                if code not in self._codes:
                    self._codes.add(code)
                    return code

    def firm_name(self, city_short: str, words: list[str]) -> str:
        rng = self.rng
        while True:
            prefix = rng.choice(["湖南", city_short, city_short, ""])
            name = f"{prefix}{rng.choice(v.FIRM_BRANDS)}{rng.choice(words)}{weighted(rng, v.FIRM_SUFFIXES)}"
            if name not in self._names:
                self._names.add(name)
                return name

    def reserve_name(self, name: str) -> str:
        self._names.add(name)
        return name

    # ------------------------------------------------------------ texts

    def bio(self, *, cluster: Cluster, skills: list[str], title: str, employer: str, years: int) -> str:
        rng = self.rng
        fld = rng.choice(cluster.fields)
        s = skills + skills
        parts = [
            f"{title}，现任职于{employer}",
            rng.choice(v.BIO_OPENERS).format(field=fld, years=years),
            rng.choice(v.BIO_SKILL_PHRASES).format(s1=s[0], s2=s[1], s3=s[2]),
            rng.choice(v.BIO_ACHIEVEMENTS).format(n=rng.randint(2, 12)),
        ]
        text = "，".join(parts) + "，" + rng.choice(v.BIO_CLOSERS)
        while len(text) < 60:
            text += f"近年重点关注{rng.choice(cluster.skills)}在{cluster.cluster}产业中的应用。"
        return text[:150]

    def kpis(self, templates: list[tuple[str, str, float, float, str]]) -> list[str]:
        out = []
        for label, op, lo, hi, unit in templates:
            if isinstance(lo, float) or isinstance(hi, float):
                value = f"{self.rng.uniform(lo, hi):.{2 if hi < 10 else 1}f}".rstrip("0").rstrip(".")
            else:
                span = int(hi) - int(lo)
                step = 10 ** max(0, len(str(span)) - 2) if span >= 20 else 1
                value = str(self.rng.randint(int(lo) // step, int(hi) // step) * step)
            out.append(f"{label}{op}{value}{unit}")
        return out

    def challenge_text(self, *, cluster: Cluster, topic, product: str, firm: str, budget: Decimal,
                       deadline: date, delivery: date) -> dict:
        rng = self.rng
        title_tpl, problem_tpl, kpi_tpls, skills = topic
        kpis = self.kpis(kpi_tpls)
        problem = problem_tpl.format(p=product)
        background = rng.choice([
            f"{firm}是{cluster.cluster}产业集群内的骨干配套企业，产品主要配套省内整机企业。",
            f"{firm}近三年营收保持增长，正推进产品向中高端升级。",
            f"{firm}承接的新订单对产品性能提出了更高要求，现有技术团队难以独立解决。",
        ])
        description = (
            f"一、需求背景\n{background}\n"
            f"二、主要技术难题\n{problem}。企业已尝试调整工艺参数和更换供应商，效果有限，需要外部工程师团队联合攻关。\n"
            f"三、核心指标\n" + "\n".join(f"{i}. {k}" for i, k in enumerate(kpis, 1)) + "\n"
            f"四、攻关期限\n揭榜截止{deadline.year}年{deadline.month}月{deadline.day}日，"
            f"须于{delivery.year}年{delivery.month}月{delivery.day}日前完成验收。\n"
            f"五、资金投入\n企业拟投入攻关经费{budget / 10000:.0f}万元，按里程碑分期支付。"
        )
        return {
            "title": title_tpl.format(p=product),
            "description": description,
            "kpis": "；".join(kpis),
            "ip_terms": rng.choice(v.IP_TERMS),
            "solver_conditions": rng.choice(v.SOLVER_CONDITIONS),
            "skills": list(dict.fromkeys(skills + rng.sample(cluster.skills, 2))),
            "fields": [cluster.cluster] + rng.sample(cluster.fields[1:], 1),
        }

    def proposal(self, skills: list[str], days: int) -> tuple[str, str]:
        rng = self.rng
        opener = rng.choice(v.PROPOSAL_OPENERS).format(skill=rng.choice(skills))
        steps = "".join(rng.sample(v.PROPOSAL_STEPS, 3))
        return f"{opener}计划{days}天内完成全部指标验证。", f"{steps}关键指标逐项出具测试报告。"

    def answer(self, skills: list[str], cluster: Cluster) -> str:
        rng = self.rng
        first, second = rng.sample(v.ANSWER_ADVICE, 2)
        resource = rng.choice([r for r, kind, _ in cluster.resources if kind != "场地"] or ["共享设备"])
        return (rng.choice(v.ANSWER_OPENERS) + first.format(skill=rng.choice(skills)) + "另外，"
                + second.format(skill=rng.choice(skills)) + rng.choice(v.ANSWER_CLOSERS).format(resource=resource))

    # ------------------------------------------------------------ money and time

    def money(self, lo_wan: float, hi_wan: float, step: int = 1000) -> Decimal:
        value = self.rng.uniform(lo_wan, hi_wan) * 10000
        return Decimal(int(value // step * step))

    def budget(self) -> Decimal:
        """5万–500万, most between 10万 and 100万."""
        wan = min(500, max(5, round(self.rng.lognormvariate(3.6, 0.8))))
        return Decimal(wan * 10000)

    def day_between(self, lo: date, hi: date, growth: float = 1.5) -> date:
        """A day in [lo, hi], denser towards hi when growth > 0 (more activity lately)."""
        span = (hi - lo).days
        if span <= 0:
            return lo
        frac = self.rng.random()
        if growth > 0:  # density 1 + growth*x on [0,1]: inverse transform sampling
            frac = ((-1 + (1 + growth * (2 + growth) * frac) ** 0.5) / growth)
        return lo + timedelta(days=int(frac * span))

    def days_ago(self, lo: int, hi: int) -> date:
        return self.today - timedelta(days=self.rng.randint(lo, hi))

    def at(self, day: date, hour_lo: int = 9, hour_hi: int = 18) -> datetime:
        """An aware UTC instant during Chinese office hours on that day (never after now)."""
        minutes = self.rng.randint(hour_lo * 60, hour_hi * 60 - 1)
        return min(china_midnight(day) + timedelta(minutes=minutes), self.now)

    def cap(self, moment: datetime) -> datetime:
        return min(moment, self.now)

    def clamp(self, day: date) -> date:
        return min(day, self.today)
