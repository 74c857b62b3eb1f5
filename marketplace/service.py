"""Marketplace rules: engineers, challenges, bids, collaborations."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import Response
from sqlmodel import Session

from core.lookup import find_by_ref
from marketplace.challenges.models import Challenge
from marketplace.execution import service as execution
from marketplace.execution.models import Collaboration
from marketplace.execution.schemas import CollaborationPublic, MemberPublic


def find_challenge(session: Session, ref: str | int) -> Challenge | None:
    """A challenge by database id (what our own links carry) or external id."""
    return find_by_ref(session, Challenge, ref, id_first=True)


def get_challenge(session: Session, ref: str | int) -> Challenge:
    return find_by_ref(session, Challenge, ref, not_found_message=f"榜单“{ref}”不存在", id_first=True)


def collaboration_public(session: Session, collaboration: Collaboration) -> CollaborationPublic:
    """The collaboration with its members and the challenge's status, for the API."""
    challenge = session.get(Challenge, collaboration.challenge_id)
    view = CollaborationPublic.model_validate(collaboration, from_attributes=True)
    view.challenge_status = challenge.status if challenge else None
    view.members = [MemberPublic(engineer_id=m.engineer_id, role=m.role, share_pct=m.share_pct, active=m.active)
                    for m in execution.members(session, collaboration)]
    return view


def file_response(stored, data: bytes):
    """A stored file as a download: never rendered inline, never sniffed into HTML."""
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
