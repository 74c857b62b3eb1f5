"""Public matching functions; other domains call these (keep the names)."""

from __future__ import annotations

from sqlmodel import Session, select

from centers.models import Center
from core.errors import Invalid
from marketplace.models import Challenge, Engineer
from matching import docs as docmod
from matching.fusion import DEFAULT_DIVERSITY, Diversity
from matching.ranker import Ranked, engineer_stats, rank_challenge_ids, rank_engineer_ids
from matching.reasons import challenge_reasons, engineer_reasons
from matching.store import get_store, kind_name
from matching.store import mark_dirty as _mark_dirty
from matching.text import has_content

MAX_TOP = 100
EMPTY_TEXT = "需求描述为空或无有效文字，无法匹配"
NO_CANDIDATES = "暂无匹配的工程师"


def check_top(top: int) -> int:
    if not isinstance(top, int) or top < 1 or top > MAX_TOP:
        raise Invalid(f"top 须为 1 到 {MAX_TOP} 之间的整数", field="top")
    return top


def ref(obj) -> str | int:
    return obj.external_id or obj.id


def rank_engineers(session: Session, *, challenge: Challenge, top: int = 10,
                   diversity: Diversity = DEFAULT_DIVERSITY) -> list[tuple[int, float, list[str]]]:
    """(engineer id, score 0-1, Chinese reasons), best first."""
    check_top(top)
    store = get_store(session, "engineers")
    ranked = rank_engineer_ids(session, store, challenge, top=top, diversity=diversity)
    return _with_engineer_reasons(session, store, challenge, ranked)


def _with_engineer_reasons(session, store, challenge, ranked: list[Ranked]) -> list[tuple[int, float, list[str]]]:
    ids = [r.id for r in ranked]
    rows = {e.id: e for e in session.exec(select(Engineer).where(Engineer.id.in_(ids))).all()} if ids else {}
    stats = engineer_stats(session, ids)
    centers = docmod.engineer_centers(session, ids)
    out = []
    for r in ranked:
        names = [c.name for c in centers.get(r.id, [])]
        out.append((r.id, r.score, engineer_reasons(store, challenge, rows[r.id], r, stats[r.id], names)))
    return out


def match_challenge(session: Session, *, challenge: Challenge, top: int = 10) -> dict:
    """The CONTRACT body: {"challenge": ref, "matches": [{"engineer", "score", "reasons"}]}."""
    ranked = rank_engineers(session, challenge=challenge, top=top)
    refs = _refs(session, Engineer, [i for i, _, _ in ranked])
    body: dict = {"challenge": ref(challenge),
                  "matches": [{"engineer": refs[i], "score": s, "reasons": rs} for i, s, rs in ranked]}
    if not ranked:
        body["note"] = EMPTY_TEXT if not has_content(docmod.challenge_text(challenge)) else NO_CANDIDATES
    return body


def match_engineer(session: Session, *, engineer: Engineer, top: int = 10) -> dict:
    """Open challenges for an engineer; invite-only ones never show their details in reasons."""
    check_top(top)
    store = get_store(session, "challenges")
    ranked = rank_challenge_ids(session, store, engineer, top=top)
    rows = {c.id: c for c in docmod.load_challenges(session, [r.id for r in ranked])}
    body: dict = {"engineer": ref(engineer), "matches": [
        {"challenge": ref(rows[r.id]), "score": r.score,
         "reasons": challenge_reasons(store, engineer, rows[r.id], r)} for r in ranked]}
    if not ranked:
        body["note"] = "暂无匹配的开放榜单"
    return body


def open_challenges(session: Session) -> list[Challenge]:
    return list(session.exec(select(Challenge).where(Challenge.status == "open").order_by(Challenge.id)).all())


def rebuild_index(session: Session, progress=None) -> dict:
    """Rebuild both indexes from the database; workers reload through the version stamp."""
    out = {}
    for kind in ("engineers", "challenges"):
        store = get_store(session, kind, refresh=False)
        out[kind] = store.rebuild(session, progress=progress)
    return out


def mark_dirty(session: Session, kind: str, object_id: int) -> None:
    _mark_dirty(session, kind_name(kind), object_id)


def _refs(session: Session, table, ids: list[int]) -> dict[int, str | int]:
    if not ids:
        return {}
    rows = session.exec(select(table.id, table.external_id).where(table.id.in_(ids))).all()
    return {i: (ext or i) for i, ext in rows}


def center_names(session: Session, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.exec(select(Center.id, Center.name).where(Center.id.in_(ids))).all())


# The one-to-many helpers live in matching.allocation; re-exported here.
from matching.allocation import allocate, suggest_team  # noqa: E402,F401
