"""Talent lookups (engineers and centers by database id, external id or name) and the engineer's own profile."""

from __future__ import annotations

from sqlmodel import Session

from core.changes import mark_changed
from core.clock import now
from core.errors import NotFound
from core.lookup import find_by_ref
from talent.models import Center, Engineer


def find_engineer(session: Session, ref: str | int) -> Engineer | None:
    """An engineer by external id, or database id where none was given."""
    return find_by_ref(session, Engineer, ref)


def get_engineer(session: Session, ref: str | int) -> Engineer:
    return find_by_ref(session, Engineer, ref, not_found_message=f"工程师“{ref}”不存在")


def find_center(session: Session, ref: str | int) -> Center | None:
    """A center by database id, external id or exact name."""
    return find_by_ref(session, Center, ref, names=("name",))


def get_center(session: Session, ref: str | int) -> Center:
    center = find_center(session, ref)
    if center is None:
        raise NotFound(f"中心“{ref}”不存在")
    return center


def update_profile(session: Session, *, engineer: Engineer, values: dict) -> Engineer:
    """The engineer's own profile fields; matching picks the change up from updated_at."""
    for name in ("name", "title", "region", "skills", "fields", "bio", "capacity", "available"):
        setattr(engineer, name, values[name])
    engineer.updated_at = now()
    session.add(engineer)
    session.flush()
    mark_changed(session, "engineer", engineer.id)  # the matcher re-embeds the profile
    return engineer
