"""What follows a center operator's or a visitor's action: the service does it, then those concerned are told.

Records (training, projects, services) are the center's own account of itself: they tell no one."""

from __future__ import annotations

from sqlmodel import Session

from accounts.models import User
from centers import bookings
from centers.models import Booking, Resource
from marketplace.inbox.service import notify_appended
from talent import pool, roster
from talent.models import Center, PoolMembership


def approve_member_flow(session: Session, *, membership: PoolMembership, center: Center, by: User) -> PoolMembership:
    """入库: the engineer is told they joined the center's pool."""
    pool.approve(session, membership=membership, center=center, by=by)
    notify_appended(session)
    return membership


def remove_member_flow(session: Session, *, membership: PoolMembership, center: Center, by: User) -> PoolMembership:
    """The engineer is told they left the pool (when they were in it)."""
    pool.remove(session, membership=membership, center=center, by=by)
    notify_appended(session)
    return membership


def import_roster_flow(session: Session, *, center: Center, filename: str, content: bytes, by: User) -> dict:
    """A roster adds engineers to the pool at once: each one with an account is told, as on approval."""
    result = roster.import_roster(session, center=center, filename=filename, content=content, by=by)
    notify_appended(session)
    return result


def book_flow(session: Session, *, resource: Resource, data: bookings.BookingIn, by: User) -> Booking:
    """预约共享资源: the center's operators are told of the booking."""
    booking = bookings.book(session, resource=resource, data=data, by=by)
    notify_appended(session)
    return booking
