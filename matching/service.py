"""Public matching functions; other domains call these (keep the names)."""

from __future__ import annotations

import copy

from sqlalchemy import func
from sqlmodel import Session, select

from core.errors import Invalid, NotFound
from core.recent import Recent
from core.settings import get_settings
from core.sql import id_in
from marketplace.challenges.models import Challenge
from matching import docs as docmod
from matching.fusion import DEFAULT_DIVERSITY, Diversity
from matching.index.store import DENSE_INLINE_LIMIT, get_store
from matching.index.text import has_content
from matching.ranker import (
    Ranked,
    engineer_stats,
    rank_challenge_ids,
    rank_engineer_ids,
)
from matching.reasons import challenge_reasons, engineer_reasons
from talent.models import Engineer

MAX_TOP = 100
EMPTY_TEXT = "需求描述为空或无有效文字，无法匹配"
NO_CANDIDATES = "暂无匹配的工程师"
_recent_matches = Recent(lambda: get_settings().match_cache_seconds, maxsize=2048)


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
    rows = {e.id: e for e in session.exec(select(Engineer).where(id_in(session, Engineer.id, ids))).all()} if ids else {}
    missing = [r.id for r in ranked if r.stats is None]
    stats = {**engineer_stats(session, missing), **{r.id: r.stats for r in ranked if r.stats is not None}}
    centers = docmod.engineer_centers(session, ids)
    out = []
    for r in ranked:
        names = [c.name for c in centers.get(r.id, [])]
        out.append((r.id, r.score, engineer_reasons(store, challenge, rows[r.id], r, stats[r.id], names)))
    return out


def match_challenge(session: Session, *, challenge: Challenge, top: int = 10) -> dict:
    """The CONTRACT body: {"challenge": ref, "matches": [{"engineer", "score", "reasons"}]}.

    A body computed for the same challenge content, the same state of the engineer index and the
    same `top` is served again for match_cache_seconds: the track records and loads it read may be
    that old. (Content, not updated_at: two edits within one second share a timestamp.)"""
    if not _recent_matches.enabled:
        return _match_challenge(session, challenge=challenge, top=top)
    store = get_store(session, "engineers")
    key = (str(session.get_bind().engine.url), id(store), store.token, store.version, store.watermark,
           store.max_object_id, challenge.id, challenge.model_dump_json(), top)
    return copy.deepcopy(_recent_matches.remember(key, lambda: _match_challenge(session, challenge=challenge, top=top)))


def _match_challenge(session: Session, *, challenge: Challenge, top: int) -> dict:
    ranked = rank_engineers(session, challenge=challenge, top=top)
    refs = _refs(session, Engineer, [i for i, _, _ in ranked])
    body: dict = {"challenge": ref(challenge),
                  "matches": [{"engineer": refs[i], "score": s, "reasons": rs} for i, s, rs in ranked]}
    if not ranked:
        body["note"] = EMPTY_TEXT if not has_content(docmod.challenge_text(challenge)) else NO_CANDIDATES
    return body


def recommend_challenges(session: Session, *, engineer: Engineer, top: int = 10) -> list[tuple[Challenge, float, list[str]]]:
    """Open challenges for an engineer, best first; invite-only ones never show details in reasons."""
    check_top(top)
    store = get_store(session, "challenges")
    ranked = rank_challenge_ids(session, store, engineer, top=top)
    rows = {c.id: c for c in docmod.load_challenges(session, [r.id for r in ranked])}
    return [(rows[r.id], r.score, challenge_reasons(store, engineer, rows[r.id], r)) for r in ranked]


def match_engineer(session: Session, *, engineer: Engineer, top: int = 10) -> dict:
    """The reverse CONTRACT body: {"engineer": ref, "matches": [{"challenge", "score", "reasons"}]}."""
    ranked = recommend_challenges(session, engineer=engineer, top=top)
    body: dict = {"engineer": ref(engineer),
                  "matches": [{"challenge": ref(c), "score": s, "reasons": rs} for c, s, rs in ranked]}
    if not ranked:
        body["note"] = "暂无匹配的开放榜单"
    return body


def engineer_cards(session: Session, ranked: list[tuple[int, float, list[str]]]) -> list[dict]:
    """Engineers with score and reasons, for pages."""
    rows = {e.id: e for e in session.exec(select(Engineer).where(Engineer.id.in_([i for i, _, _ in ranked]))).all()} \
        if ranked else {}
    return [{"engineer": rows[i], "score": s, "reasons": rs} for i, s, rs in ranked if i in rows]


def challenge_cards(session: Session, *, engineer: Engineer, top: int = 20) -> list[dict]:
    """The 为你推荐 feed; an invite-only challenge shows no title."""
    return [{"challenge": c, "score": s, "reasons": rs,
             "title": "邀约制榜单（签署保密协议后可见）" if c.visibility == "invite" else c.title}
            for c, s, rs in recommend_challenges(session, engineer=engineer, top=top)]


def get_engineer_for(session: Session, user) -> Engineer:
    engineer = session.get(Engineer, user.engineer_id) if user.engineer_id else None
    if engineer is None:
        raise NotFound("当前账号未关联工程师档案")
    return engineer


def open_challenges(session: Session) -> list[Challenge]:
    return list(session.exec(select(Challenge).where(Challenge.status == "open").order_by(Challenge.id)).all())


DENSE_STEP = 10_000


def rebuild_index(session: Session, progress=None) -> dict:
    """Rebuild both indexes from the database; workers reload through the version stamp.

    Small databases are encoded inline. Large ones become searchable at once through
    the lexical and structured channels; call fill_vectors() (the CLI does, committing
    after each step) to add the dense vectors with progress and crash-safe checkpoints."""
    out = {}
    for kind in ("engineers", "challenges"):
        store = get_store(session, kind, refresh=False)
        count = session.exec(select(func.count()).select_from(store.table)).one()
        out[kind] = store.rebuild(session, progress=progress, dense=count <= DENSE_INLINE_LIMIT)
    return out


def fill_vectors(session: Session, kind: str, *, step: int = DENSE_STEP) -> dict:
    """One resumable step of dense encoding for an index; {"encoded": n, "items": n, "added": k}."""
    store = get_store(session, kind)
    added = store.encode_missing(session, step)
    return {**store.summary(), "added": added}


def warm_up(session: Session) -> dict:
    """Load both indexes and the encoder into this process, so a worker's first match is not
    the one that pays for reading the snapshot and the model (gunicorn calls it per worker)."""
    out = {}
    for kind in ("engineers", "challenges"):
        store = get_store(session, kind)
        if store.vectors.dim:
            store.encoder.query_vector("预热")
        out[kind] = store.summary()
    return out




def _refs(session: Session, table, ids: list[int]) -> dict[int, str | int]:
    if not ids:
        return {}
    rows = session.exec(select(table.id, table.external_id).where(id_in(session, table.id, ids))).all()
    return {i: (ext or i) for i, ext in rows}

