"""Center rules: lookups, pools, resources and activities."""

from __future__ import annotations

from sqlmodel import Session, select

from centers.models import Center
from core.errors import NotFound


def find_center(session: Session, ref: str | int) -> Center | None:
    """A center by database id, external id or exact name."""
    text = str(ref).strip()
    center = session.exec(select(Center).where((Center.external_id == text) | (Center.name == text))).first()
    if center is None and text.isdigit():
        center = session.get(Center, int(text))
    return center


def get_center(session: Session, ref: str | int) -> Center:
    center = find_center(session, ref)
    if center is None:
        raise NotFound(f"中心“{ref}”不存在")
    return center


def list_centers(session: Session, *, city: str | None = None, cluster: str | None = None,
                 status: str | None = None) -> list[Center]:
    """Centers for the public list, filtered by city, cluster or management status."""
    stmt = select(Center)
    if city:
        stmt = stmt.where(Center.city == city)
    if cluster:
        stmt = stmt.where(Center.cluster == cluster)
    if status:
        stmt = stmt.where(Center.status == status)
    return list(session.exec(stmt.order_by(Center.city, Center.cluster, Center.name)).all())
