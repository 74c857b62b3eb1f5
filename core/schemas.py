"""Field types shared by the marketplace API's input and output models."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

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


TextList = Annotated[list[Annotated[str, Field(min_length=1, max_length=40)]], BeforeValidator(_as_list),
                     Field(max_length=30)]
Money = Annotated[Decimal, Field(ge=0, lt=Decimal("1e12"), max_digits=14, decimal_places=2)]
Score = Annotated[int, Field(ge=1, le=5)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
