"""Marketplace rules: engineers, challenges, bids, collaborations."""

from __future__ import annotations

from sqlmodel import Session, select

from core.errors import NotFound
from marketplace.models import Challenge, Engineer


def find_engineer(session: Session, ref: str | int) -> Engineer | None:
    """An engineer by external id, or database id where none was given."""
    text = str(ref).strip()
    engineer = session.exec(select(Engineer).where(Engineer.external_id == text)).first()
    if engineer is None and text.isdigit():
        engineer = session.get(Engineer, int(text))
    return engineer


def get_engineer(session: Session, ref: str | int) -> Engineer:
    engineer = find_engineer(session, ref)
    if engineer is None:
        raise NotFound(f"工程师“{ref}”不存在")
    return engineer


def find_challenge(session: Session, ref: str | int) -> Challenge | None:
    """A challenge by database id or external id."""
    text = str(ref).strip()
    challenge = None
    if text.isdigit():
        challenge = session.get(Challenge, int(text))
    if challenge is None:
        challenge = session.exec(select(Challenge).where(Challenge.external_id == text)).first()
    return challenge


def get_challenge(session: Session, ref: str | int) -> Challenge:
    challenge = find_challenge(session, ref)
    if challenge is None:
        raise NotFound(f"榜单“{ref}”不存在")
    return challenge
