"""Time in one place: aware UTC in the database, Asia/Shanghai for people."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8))


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def today() -> date:
    """Today's date in China."""
    return to_china(now()).date()


def to_china(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(CHINA)


def china_midnight(day: date) -> datetime:
    """The UTC instant at which a Chinese calendar day starts."""
    return datetime(day.year, day.month, day.day, tzinfo=CHINA).astimezone(timezone.utc)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """UTC bounds [start, end) of a calendar year in China time."""
    return china_midnight(date(year, 1, 1)), china_midnight(date(year + 1, 1, 1))
