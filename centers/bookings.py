"""Shared resources (4.5): bookings without overlap, a month calendar, utilisation."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from decimal import Decimal

from pydantic import BaseModel, Field, model_validator
from sqlmodel import Session, select

from accounts import policy
from accounts.models import User
from centers.models import Booking, Resource
from core import eventlog as events
from core.clock import CHINA, china_midnight, to_china, year_bounds
from core.errors import Conflict, Invalid, NotFound
from core.schemas import CleanLine

MAX_BOOKING_HOURS = 24 * 14


class BookingIn(BaseModel):
    day: date
    start_hour: int = Field(ge=0, le=23)
    hours: int = Field(ge=1, le=MAX_BOOKING_HOURS)
    purpose: CleanLine = Field(min_length=2, max_length=200)

    @model_validator(mode="after")
    def _sane_year(self) -> "BookingIn":
        if not 2000 <= self.day.year <= 2100:
            raise ValueError("日期超出范围")
        return self

    def bounds(self) -> tuple[datetime, datetime]:
        start = datetime(self.day.year, self.day.month, self.day.day, self.start_hour, tzinfo=CHINA)
        return start, start + timedelta(hours=self.hours)


def resource_of(session: Session, resource_id: int) -> Resource:
    resource = session.get(Resource, resource_id)
    if resource is None:
        raise NotFound("资源不存在")
    return resource


def book(session: Session, *, resource: Resource, data: BookingIn, by: User) -> Booking:
    """Confirm a booking if the slot is free (the overlap check and insert run in one transaction)."""
    policy.require(policy.can_book_resource(by, resource), "该资源未对外开放")
    starts_at, ends_at = data.bounds()
    clash = session.exec(select(Booking.id).where(
        Booking.resource_id == resource.id, Booking.status.in_(("requested", "confirmed", "done")),  # type: ignore[attr-defined]
        Booking.starts_at < ends_at, Booking.ends_at > starts_at)).first()
    if clash is not None:
        raise Conflict("该时段已被预约，请选择其他时间")
    booking = Booking(resource_id=resource.id, user_id=by.id, organisation_id=by.organisation_id,  # type: ignore[arg-type]
                      starts_at=starts_at, ends_at=ends_at, purpose=data.purpose, status="confirmed")
    session.add(booking)
    session.flush()
    events.record(session, "booking.created", actor_id=by.id, center_id=resource.center_id,
                  organisation_id=by.organisation_id, subject=("booking", booking.id),  # type: ignore[arg-type]
                  data={"resource": resource.name, "hours": data.hours})
    return booking


def month_grid(session: Session, *, resource: Resource, year: int, month: int) -> dict:
    """Weeks (Monday first) of days, each with that day's bookings, for a calendar table."""
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Invalid("月份无效", field="month")
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    rows = session.exec(select(Booking).where(
        Booking.resource_id == resource.id, Booking.status != "cancelled",
        Booking.starts_at < china_midnight(last + timedelta(days=1)), Booking.ends_at > china_midnight(first))
        .order_by(Booking.starts_at)).all()
    by_day: dict[date, list[Booking]] = {}
    for booking in rows:
        day = to_china(booking.starts_at).date()
        while day <= to_china(booking.ends_at - timedelta(seconds=1)).date():
            by_day.setdefault(day, []).append(booking)
            day += timedelta(days=1)
    weeks = [[{"day": d, "in_month": d.month == month, "bookings": by_day.get(d, [])} for d in week]
             for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)]
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    return {"year": year, "month": month, "weeks": weeks, "prev": f"{previous.year}-{previous.month:02d}",
            "next": f"{following.year}-{following.month:02d}"}


def utilisation(session: Session, *, resource: Resource, year: int) -> dict:
    start, end = year_bounds(year)
    rows = session.exec(select(Booking).where(Booking.resource_id == resource.id,
                                              Booking.status.in_(("confirmed", "done")),  # type: ignore[attr-defined]
                                              Booking.starts_at >= start, Booking.starts_at < end)).all()
    hours = sum((b.used_hours if b.used_hours is not None
                 else Decimal(str((b.ends_at - b.starts_at) / timedelta(hours=1)))) for b in rows)
    return {"bookings": len(rows), "hours": float(hours),
            "rate": round(float(hours) / resource.hours_per_year, 4) if resource.hours_per_year else 0.0}
