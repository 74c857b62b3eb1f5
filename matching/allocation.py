"""One-to-many: capacity-aware invitation allocation and complementary teams.

allocate() solves a bipartite b-matching over (open challenge, candidate engineer)
pairs: each challenge receives at most `top` invitations, each engineer at most
its free capacity (capacity minus current load), each pair at most once, and
the total fused score is maximised. The constraint matrix is totally
unimodular, so scipy's MILP (HiGHS) returns the integral optimum quickly.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix
from sqlmodel import Session, select

from core.clock import now
from core.errors import Invalid
from marketplace.challenges.models import Challenge, Invitation
from matching import docs as docmod
from matching.fusion import NO_DIVERSITY
from matching.index.store import get_store
from matching.ranker import engineer_stats, rank_engineer_ids
from matching.service import open_challenges
from talent.models import Engineer

CANDIDATES_PER_CHALLENGE = 20


def allocate(session: Session, *, top: int = 3, apply: bool = False) -> dict:
    """Assign up to `top` invitations per open challenge; write them (source='allocate') when apply."""
    if top < 1 or top > 20:
        raise Invalid("每个榜单的邀请数须在 1 到 20 之间", field="top")

    store = get_store(session, "engineers")
    challenges = open_challenges(session)
    invited = {(c, e) for c, e in session.exec(select(Invitation.challenge_id, Invitation.engineer_id)).all()}
    pairs: list[tuple[int, int, float]] = []
    for ch in challenges:
        for r in rank_engineer_ids(session, store, ch, top=CANDIDATES_PER_CHALLENGE, diversity=NO_DIVERSITY):
            if (ch.id, r.id) not in invited:
                pairs.append((ch.id, r.id, r.score))
    engineer_ids = sorted({e for _, e, _ in pairs})
    rows = {e.id: e for e in session.exec(select(Engineer).where(Engineer.id.in_(engineer_ids))).all()} \
        if engineer_ids else {}
    stats = engineer_stats(session, engineer_ids)
    free = {e: max(0, rows[e].capacity - stats[e].load) if rows[e].available else 0 for e in engineer_ids}
    pairs = [p for p in pairs if free[p[1]] > 0]
    chosen = _solve(pairs, {c.id: top for c in challenges}, free)

    by_challenge: dict[int, list[tuple[int, float]]] = {}
    for c, e, s in chosen:
        by_challenge.setdefault(c, []).append((e, s))
    refs = {c.id: c.external_id or c.id for c in challenges}
    eng_refs = {e: rows[e].external_id or e for e in engineer_ids}
    if apply:
        for c, e, s in chosen:
            session.add(Invitation(challenge_id=c, engineer_id=e, source="allocate", score=s, created_at=now()))
        session.flush()
    return {
        "challenges": len(challenges),
        "engineers": len({e for _, e, _ in chosen}),
        "invitations": len(chosen),
        "total_score": round(sum(s for _, _, s in chosen), 4),
        "applied": apply,
        "assignments": [
            {"challenge": refs[c], "engineers": [{"engineer": eng_refs[e], "score": s}
                                                 for e, s in sorted(v, key=lambda x: -x[1])]}
            for c, v in sorted(by_challenge.items())
        ],
    }


def _solve(pairs: list[tuple[int, int, float]], demand: dict[int, int],
           free: dict[int, int]) -> list[tuple[int, int, float]]:
    if not pairs:
        return []
    n = len(pairs)
    c_index = {c: k for k, c in enumerate(sorted({p[0] for p in pairs}))}
    e_index = {e: k for k, e in enumerate(sorted({p[1] for p in pairs}))}
    rows = [c_index[c] for c, _, _ in pairs] + [len(c_index) + e_index[e] for _, e, _ in pairs]
    cols = list(range(n)) * 2
    a = coo_matrix((np.ones(2 * n), (rows, cols)), shape=(len(c_index) + len(e_index), n)).tocsr()
    upper = np.asarray([demand[c] for c in c_index] + [free[e] for e in e_index], dtype=float)
    scores = np.asarray([s for _, _, s in pairs])
    result = milp(-scores, constraints=LinearConstraint(a, -np.inf, upper), bounds=Bounds(0, 1),
                  integrality=np.ones(n))
    if result.x is None:
        return []
    return [pairs[k] for k in np.flatnonzero(result.x > 0.5)]


def suggest_team(session: Session, *, challenge: Challenge, size: int = 4) -> dict:
    """A complementary team when no single engineer covers the challenge's skills (greedy set cover)."""
    store = get_store(session, "engineers")
    need = set(docmod.challenge_doc(challenge).skills)
    ranked = rank_engineer_ids(session, store, challenge, top=30, diversity=NO_DIVERSITY)
    team: list[dict] = []
    covered: set[str] = set()
    pool = list(ranked)
    single = next((r for r in pool if need and need <= set(r.matched_skills)), None)
    if single is not None:
        pool = [single]
    while pool and len(team) < size and (not need or covered < need):
        best = max(pool, key=lambda r: (len(set(r.matched_skills) - covered), r.score))
        gain = set(best.matched_skills) - covered
        if team and not gain:
            break
        team.append({"engineer": best.id, "covers": sorted(gain), "score": best.score})
        covered |= gain
        pool.remove(best)
        if not need:
            break
    refs = dict(session.exec(select(Engineer.id, Engineer.external_id)
                             .where(Engineer.id.in_([t["engineer"] for t in team]))).all()) if team else {}
    for t in team:
        t["engineer"] = refs.get(t["engineer"]) or t["engineer"]
    return {"challenge": challenge.external_id or challenge.id, "skills": sorted(need),
            "single": single is not None, "team": team, "missing": sorted(need - covered)}
