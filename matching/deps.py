"""Load-or-404 dependencies for the matching routes."""

from __future__ import annotations

from sqlmodel import select

from core.db import SessionDep
from talent.models import Engineer, PoolMembership
from talent.service import get_engineer


def engineer_or_404(engineer_id: str, session: SessionDep) -> Engineer:
    return get_engineer(session, engineer_id)


def engineer_center_ids(engineer_id: str, session: SessionDep) -> set[int]:
    engineer = get_engineer(session, engineer_id)
    return set(session.exec(select(PoolMembership.center_id).where(PoolMembership.engineer_id == engineer.id,
                                                                    PoolMembership.status == "active")).all())
