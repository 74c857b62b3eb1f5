"""What a center's year covers: its calendar bounds and the engineers in its pool that year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from core.clock import to_china, year_bounds
from talent.models import Center, PoolMembership


@dataclass(frozen=True)
class Scope:
    center: Center
    year: int
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive
    first_day: date
    last_day: date
    pool_ids: frozenset[int]

    @property
    def center_id(self) -> int:
        assert self.center.id is not None
        return self.center.id


def in_pool_during(center_id: int, first_day: date, last_day: date):
    """Memberships that count for a period: active ones, and removed ones that left within or after it.

    Invitations and pending requests don't count; a removal without a date doesn't either.
    """
    return and_(
        PoolMembership.center_id == center_id,
        or_(PoolMembership.joined_on.is_(None), PoolMembership.joined_on <= last_day),  # type: ignore[union-attr]
        or_(PoolMembership.status == "active",
            and_(PoolMembership.status == "removed", PoolMembership.left_on >= first_day)),  # type: ignore[operator]
    )


def pool_engineer_ids(session: Session, center_id: int, first_day: date, last_day: date) -> frozenset[int]:
    """Engineers in the center's pool at some point of the period."""
    rows = session.exec(select(PoolMembership.engineer_id).where(in_pool_during(center_id, first_day, last_day))).all()
    return frozenset(rows)


def build_scope(session: Session, center: Center, year: int) -> Scope:
    start, end = year_bounds(year)
    first_day, last_day = date(year, 1, 1), date(year, 12, 31)
    assert center.id is not None
    return Scope(center=center, year=year, start=start, end=end, first_day=first_day, last_day=last_day,
                 pool_ids=pool_engineer_ids(session, center.id, first_day, last_day))


def china_day(moment: datetime | date | None) -> str | None:
    """ISO date in China time, for evidence items."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return to_china(moment).date().isoformat()
    return moment.isoformat()
