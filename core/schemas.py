"""Field types shared by the marketplace API's input and output models."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from core.clock import today

# CONTRACT.md's separators for lists in cells, and the new lines of a textarea
LIST_SPLIT = re.compile(r"[;；,，、\n]+")


def split_text(value: str | None) -> list[str]:
    """The non-empty items of a list written in one cell or form field."""
    return [item.strip() for item in LIST_SPLIT.split(value or "") if item.strip()]


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, str):
        return split_text(value)
    return value


# C0/C1 control characters and DEL; long text keeps tab, line feed and carriage return (a textarea's CRLF)
_LINE_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp"}  # controls, zero-width and format characters, spaces


def _visible(value: str) -> str:
    if value and all(unicodedata.category(ch) in _INVISIBLE for ch in value):
        raise ValueError("内容不能只有空白或不可见字符")
    return value


def clean_line(value: str) -> str:
    """One line of text (a title, a name): no control character at all, not only invisible characters."""
    if _LINE_CONTROLS.search(value):
        raise ValueError("包含不允许的控制字符（含换行、制表符）")
    return _visible(value)


def clean_text(value: str) -> str:
    """Long text: tab and new lines allowed, other control characters (NUL…) refused, not only invisible ones."""
    if _TEXT_CONTROLS.search(value):
        raise ValueError("包含不允许的控制字符")
    return _visible(value)


CleanLine = Annotated[str, AfterValidator(clean_line)]
CleanText = Annotated[str, AfterValidator(clean_text)]

EARLIEST = date(2000, 1, 1)


PLAN_DAYS = 3650  # a deadline or a plan: within ten years


def check_date(value: date, *, future_days: int) -> date:
    """From 2000-01-01 to `future_days` days after today (0: not in the future)."""
    latest = today() + timedelta(days=future_days)
    if value < EARLIEST:
        raise ValueError(f"日期不能早于 {EARLIEST.isoformat()}")
    if value > latest:
        raise ValueError("日期不能晚于今天" if future_days == 0 else f"日期不能晚于 {latest.isoformat()}")
    return value


PastDate = Annotated[date, AfterValidator(lambda value: check_date(value, future_days=0))]  # a work log, a payment
PlanDate = Annotated[date, AfterValidator(lambda value: check_date(value, future_days=PLAN_DAYS))]

TextList = Annotated[list[Annotated[CleanLine, Field(min_length=1, max_length=40)]], BeforeValidator(_as_list),
                     Field(max_length=30)]
Money = Annotated[Decimal, Field(ge=0, lt=Decimal("1e12"), max_digits=14, decimal_places=2)]
Score = Annotated[int, Field(ge=1, le=5)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
