"""Column helpers shared by the marketplace tables.

Money is kept in yuan as Numeric(14, 2); lists (skills, fields) as JSON arrays.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Numeric, Text
from sqlmodel import Field


def list_column() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


def money_column(nullable: bool = True) -> Any:
    return Field(default=None if nullable else Decimal("0"), sa_column=Column(Numeric(14, 2), nullable=nullable))


def text_column(nullable: bool = True) -> Any:
    return Field(default=None if nullable else "", sa_column=Column(Text, nullable=nullable))
