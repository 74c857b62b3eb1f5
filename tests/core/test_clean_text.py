"""The shared text and date types refuse control characters, invisible-only text and absurd dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from core.clock import today
from core.schemas import CleanLine, CleanText, PastDate, PlanDate, Strict


class Sample(Strict):
    line: CleanLine | None = None
    text: CleanText | None = None
    past: PastDate | None = None
    plan: PlanDate | None = None


@pytest.mark.parametrize("field, value", [
    ("line", "液压\x00阀"), ("line", "液压\n阀"), ("line", "液压\t阀"), ("line", "\x1b[2J清屏"), ("line", "阀\x85门"),
    ("line", "\u200b\u200c\u200d"), ("line", "\ufeff\u2060"), ("text", "方案\x00"), ("text", "方案\x08退格"),
    ("text", "\u200b \u200b"), ("past", "1900-01-01"), ("past", str(today() + timedelta(days=1))),
    ("plan", "1999-12-31"), ("plan", str(today() + timedelta(days=3651))),
])
def test_refused(field, value):
    with pytest.raises(ValidationError) as err:
        Sample(**{field: value})
    assert err.value.errors()[0]["loc"] == (field,)


def test_accepted():
    sample = Sample(line="液压阀 A-1", text="第一行\r\n第二行\t缩进", past=str(today()), plan="2030-01-01")
    assert sample.text == "第一行\r\n第二行\t缩进" and sample.past == today() and sample.plan == date(2030, 1, 1)
