"""Small SQL helpers shared by the domains."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Integer, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session


def id_in(session: Session, column, ids: Iterable[int]) -> ColumnElement[bool]:
    """`column IN ids`. On PostgreSQL written as `= ANY(array)`: one statement text whatever the
    number of ids, so the server plans it once (an IN list of n values is a new statement per n)."""
    values = [int(i) for i in ids]
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(Integer)))
    return column.in_(values)
