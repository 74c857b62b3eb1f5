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


def collaboration_public(session: Session, collaboration):
    """The collaboration with its members and the challenge's status, for the API."""
    from marketplace.execution import members
    from marketplace.schemas import CollaborationPublic, MemberPublic

    challenge = session.get(Challenge, collaboration.challenge_id)
    view = CollaborationPublic.model_validate(collaboration, from_attributes=True)
    view.challenge_status = challenge.status if challenge else None
    view.members = [MemberPublic(engineer_id=m.engineer_id, role=m.role, share_pct=m.share_pct, active=m.active)
                    for m in members(session, collaboration)]
    return view


def file_response(stored, data: bytes):
    """A stored file as a download: never rendered inline, never sniffed into HTML."""
    from urllib.parse import quote

    from fastapi.responses import Response

    # Always octet-stream: the sniffed type is metadata (in the listing), never a rendering hint.
    media = "application/octet-stream"
    ascii_name = stored.filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return Response(content=data, media_type=media, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(stored.filename)}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "Cache-Control": "private, no-store",
        "X-File-Type": stored.content_type,
    })


FILE_RESPONSES = {200: {"description": "文件下载（Content-Disposition: attachment）",
                        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}
