"""Time in one place: naive UTC in the database, Asia/Shanghai for people."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8))


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def today() -> date:
    """Today's date in China."""
    return to_china(now()).date()


def to_china(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc).astimezone(CHINA)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """Naive-UTC bounds of a calendar year in China time."""
    start = datetime(year, 1, 1, tzinfo=CHINA).astimezone(timezone.utc).replace(tzinfo=None)
    end = datetime(year + 1, 1, 1, tzinfo=CHINA).astimezone(timezone.utc).replace(tzinfo=None)
    return start, end
