"""Find a row by the reference a person or a file gives: its external id, else its database id."""

from __future__ import annotations

from typing import TypeVar, overload

from sqlalchemy import or_
from sqlmodel import Session, SQLModel, col, select

from core.errors import NotFound

MAX_ID = 2**31 - 1  # the largest integer key on both databases
MAX_REF = 120  # longer than any external id or name: not worth a query

Row = TypeVar("Row", bound=SQLModel)


def database_id(ref: str) -> int | None:
    """The integer key `ref` spells in ASCII digits, if it fits one."""
    if not (ref.isascii() and ref.isdigit()):
        return None
    number = int(ref)
    return number if 1 <= number <= MAX_ID else None


@overload
def find_by_ref(session: Session, model: type[Row], ref: str | int, *, not_found_message: str,
                names: tuple[str, ...] = (), id_first: bool = False) -> Row: ...


@overload
def find_by_ref(session: Session, model: type[Row], ref: str | int, *, not_found_message: None = None,
                names: tuple[str, ...] = (), id_first: bool = False) -> Row | None: ...


def find_by_ref(session: Session, model: type[Row], ref: str | int, *, not_found_message: str | None = None,
                names: tuple[str, ...] = (), id_first: bool = False) -> Row | None:
    """The row whose external id (or one of the `names` columns) is `ref`, else the row with that database id.

    `id_first` tries the database id before the external id (for references that come from our own links).
    Without a `not_found_message` a miss returns None; with one it raises NotFound with that message.
    """
    text = str(ref).strip()
    row = None
    if text and "\x00" not in text and len(text) <= MAX_REF:
        key = database_id(text)

        def by_id() -> Row | None:
            return session.get(model, key) if key is not None else None

        def by_external() -> Row | None:
            columns = [col(getattr(model, name)) == text for name in ("external_id", *names)]
            return session.exec(select(model).where(or_(*columns))).first()

        first, second = (by_id, by_external) if id_first else (by_external, by_id)
        row = first()
        if row is None:
            row = second()
    if row is None and not_found_message is not None:
        raise NotFound(not_found_message)
    return row
