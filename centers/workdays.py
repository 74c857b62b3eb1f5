"""Chinese working days (holidays and 调休 make-up days) for the 5-working-day public notice.

The chinese-calendar library knows the State Council schedules published before its release
(up to 2026 for 1.11.0). For a later year the schedule an administrator entered
(WorkdaySchedule) is used; if there is none, the system says so instead of counting weekends.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from sqlmodel import Session, select

from centers.models import WorkdaySchedule
from core.errors import Invalid

NOTICE_WORKDAYS = 5  # 第八条：公示5个工作日


class UnknownYear(Invalid):
    """No holiday schedule is known for the year."""


def library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


class WorkCalendar:
    """Answers is_workday for any day, from the library or the administrator's schedule."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._entered: dict[int, dict[date, bool]] = {}

    def _schedule(self, year: int) -> dict[date, bool]:
        if year not in self._entered:
            rows = self.session.exec(select(WorkdaySchedule).where(
                WorkdaySchedule.day >= date(year, 1, 1), WorkdaySchedule.day <= date(year, 12, 31))).all()
            self._entered[year] = {row.day: row.is_workday for row in rows}
        return self._entered[year]

    def is_workday(self, day: date) -> bool:
        entered = self._schedule(day.year)
        if day in entered:  # an administrator's entry wins, also over the library
            return entered[day]
        if library_knows(day.year):
            return chinese_calendar.is_workday(day)
        if not entered:
            raise UnknownYear(f"系统尚无 {day.year} 年法定节假日和调休安排，请管理员先录入该年的放假安排", field="day")
        return day.weekday() < 5

    def add_workdays(self, start: date, count: int) -> tuple[date, date]:
        """The first working day on or after `start` and the last of `count` working days from it."""
        day = start
        while not self.is_workday(day):
            day += timedelta(days=1)
        first, counted = day, 1
        while counted < count:
            day += timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return first, day


def notice_period(session: Session, start: date) -> tuple[date, date]:
    """First and last day of the 5-working-day public notice starting on or after `start`."""
    return WorkCalendar(session).add_workdays(start, NOTICE_WORKDAYS)


def enter_day(session: Session, *, day: date, is_workday: bool, note: str | None = None) -> WorkdaySchedule:
    """Record a holiday or make-up workday (admin), replacing an earlier entry for that day."""
    row = session.get(WorkdaySchedule, day) or WorkdaySchedule(day=day, is_workday=is_workday)
    row.is_workday, row.note = is_workday, (note or None)
    session.add(row)
    session.flush()
    return row
