"""The public notice's last day across 国庆 and 春节, including 调休 workdays."""

from __future__ import annotations

from datetime import date

import pytest

from centers.workdays import UnknownYear, enter_day, notice_period


def test_plain_week(session):
    assert notice_period(session, date(2026, 6, 8)) == (date(2026, 6, 8), date(2026, 6, 12))


def test_starting_on_a_saturday_moves_to_monday(session):
    assert notice_period(session, date(2026, 6, 6)) == (date(2026, 6, 8), date(2026, 6, 12))


def test_across_national_day_with_makeup_saturday(session):
    # 2026: 10月1日至7日放假, 9月20日（周日）和10月10日（周六）上班.
    # Start Tue 29 Sep: 29, 30 Sep, then 8 (Thu), 9 (Fri), 10 Oct (Sat, make-up) = 5 working days.
    assert notice_period(session, date(2026, 9, 29)) == (date(2026, 9, 29), date(2026, 10, 10))


def test_makeup_sunday_before_national_day_counts(session):
    # Sun 20 Sep 2026 is a make-up workday: the notice can start on it.
    assert notice_period(session, date(2026, 9, 20)) == (date(2026, 9, 20), date(2026, 9, 24))


def test_across_spring_festival(session):
    # 2026 春节: 2月15日至23日放假; 2月14日（周六）和2月28日（周六）上班.
    # Start Thu 12 Feb: 12, 13, 14 (Sat, make-up), then 24 (Tue), 25 Feb = 5 working days.
    assert notice_period(session, date(2026, 2, 12)) == (date(2026, 2, 12), date(2026, 2, 25))


def test_unknown_year_says_so(session):
    with pytest.raises(UnknownYear, match="2030"):
        notice_period(session, date(2030, 10, 8))


def test_unknown_year_uses_the_schedule_an_admin_entered(session):
    for day in range(1, 8):
        enter_day(session, day=date(2030, 10, day), is_workday=False, note="国庆节")
    enter_day(session, day=date(2030, 10, 12), is_workday=True, note="国庆调休上班")
    # Mon 30 Sep 2030 starts; 1-7 Oct off; 8 Tue, 9 Wed, 10 Thu, 11 Fri → 5th working day is 11 Oct.
    assert notice_period(session, date(2030, 9, 30)) == (date(2030, 9, 30), date(2030, 10, 11))
    assert notice_period(session, date(2030, 10, 9)) == (date(2030, 10, 9), date(2030, 10, 14))
