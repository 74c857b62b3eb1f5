"""Government views: ranking of the centers a bureau oversees, and the regional talent map."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlmodel import Session, select

from accounts import policy
from accounts.models import User
from centers.indicators.engine import compute_indicators
from marketplace.challenges.models import Challenge
from talent.models import Center, Engineer

OPEN_STATUSES = ("open", "bidding_closed")


def visible_centers(session: Session, *, user: User) -> list[Center]:
    """A city bureau sees its city's centers; province, experts and admins see all."""
    stmt = select(Center).order_by(Center.city, Center.name)
    if user.role == "city":
        stmt = stmt.where(Center.city == user.region)
    centers = list(session.exec(stmt).all())
    return [c for c in centers if policy.can_oversee_center(user, c)]


def ranking(session: Session, *, user: User, year: int) -> dict:
    """Centers ranked by total score, with groupings by cluster and by city."""
    rows = []
    for center in visible_centers(session, user=user):
        result = compute_indicators(session, center=center, year=year)
        platform = next(line for line in result["lines"] if line["id"] == "2.3")["figures"]
        rows.append({"center": center, "total": result["total"], "base": result["base"], "bonus": result["bonus"],
                     "veto": result["veto"], "completed": platform["challenges_completed"],
                     "published": platform["challenges_published"]})
    rows.sort(key=lambda r: (r["veto"], -r["total"], r["center"].name))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    by_cluster: dict[str, list[dict]] = defaultdict(list)
    by_city: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_cluster[row["center"].cluster or "其他"].append(row)
        by_city[row["center"].city or "未填写"].append(row)
    statuses = Counter(row["center"].status for row in rows)
    return {"rows": rows, "by_cluster": dict(by_cluster), "by_city": dict(by_city), "statuses": dict(statuses)}


def talent_map(session: Session, *, city: str | None = None) -> dict:
    """区域产业人才图谱: engineer supply by field × city against open challenges' demand."""
    supply: Counter = Counter()
    for fields, region in session.exec(select(Engineer.fields, Engineer.region)).all():
        for field in set(fields or []):
            supply[(field, region or "未知")] += 1
    demand: Counter = Counter()
    for fields, region in session.exec(select(Challenge.fields, Challenge.region).where(
            Challenge.status.in_(OPEN_STATUSES))).all():  # type: ignore[attr-defined]
        for field in set(fields or []):
            demand[(field, region or "未知")] += 1
    keys = set(supply) | set(demand)
    cities = sorted({c for _, c in keys if not city or c == city})
    totals: Counter = Counter()
    for (field, _), n in (supply + demand).items():
        totals[field] += n
    fields = [f for f, _ in totals.most_common(30)]
    cells = {}
    gaps = []
    for field in fields:
        for c in cities:
            s, d = supply.get((field, c), 0), demand.get((field, c), 0)
            gap = d > s
            cells[(field, c)] = {"supply": s, "demand": d, "gap": gap,
                                 "level": 0 if not d else min(4, 1 + (d - s) * 4 // max(d, 1)) if gap else 0}
            if gap:
                gaps.append({"field": field, "city": c, "supply": s, "demand": d, "shortfall": d - s})
    gaps.sort(key=lambda g: -g["shortfall"])
    return {"fields": fields, "cities": cities, "cells": cells, "gaps": gaps[:20],
            "supply_total": sum(supply.values()), "demand_total": sum(demand.values())}
