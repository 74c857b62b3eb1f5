"""Rank engineers for a challenge and open challenges for an engineer.

Candidates are the union of the dense top-N (FAISS), the lexical top-N (BM25)
and every engineer sharing a canonical skill; each channel is scored on the
union, fused (matching.fusion) and, for engineers, re-ranked for diversity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import func
from sqlmodel import Session, select

from core.sql import id_in
from marketplace.challenges.models import Challenge
from marketplace.execution.models import Collaboration, CollaborationMember, Rating
from matching import docs as docmod
from matching.fusion import (
    DEFAULT_DIVERSITY,
    DEFAULT_WEIGHTS,
    Diversity,
    Weights,
    display_score,
    fuse,
)
from matching.index.store import Store
from matching.index.text import has_content, tokens
from talent.models import Engineer

POOL = 200
SKILL_BUCKET_LIMIT = 300  # a skill held by more engineers adds no candidates (dense/lexical find the best of them)
SHORTLIST = 60  # track record and current load are read from the database for this many only
ACTIVE = ("in_progress", "delivered", "disputed")
DONE = ("accepted", "closed")


@dataclass
class Stats:
    load: int = 0
    rating_sum: float = 0.0
    rating_n: int = 0
    accepted: int = 0

    @property
    def rating(self) -> float:
        return self.rating_sum / self.rating_n if self.rating_n else 0.0


@dataclass
class Ranked:
    id: int
    fused: float
    score: float
    channels: dict[str, float] = field(default_factory=dict)
    matched_skills: list[str] = field(default_factory=list)
    stats: Stats | None = None  # load and track record, when the ranking read them


def engineer_stats(session: Session, ids: list[int]) -> dict[int, Stats]:
    """Current load, ratings and accepted deliveries for some engineers (three grouped queries)."""
    out = {i: Stats() for i in ids}
    if not ids:
        return out
    seen: set[tuple[int, int]] = set()
    for chunk in range(0, len(ids), 900):
        part = ids[chunk:chunk + 900]
        leads = session.exec(select(Collaboration.id, Collaboration.lead_engineer_id, Collaboration.status)
                             .where(id_in(session, Collaboration.lead_engineer_id, part))).all()
        members = session.exec(
            select(Collaboration.id, CollaborationMember.engineer_id, Collaboration.status)
            .join(Collaboration, Collaboration.id == CollaborationMember.collaboration_id)
            .where(id_in(session, CollaborationMember.engineer_id, part), CollaborationMember.active == True)  # noqa: E712
        ).all()
        for cid, eid, status in [*leads, *members]:
            if (cid, eid) in seen:
                continue
            seen.add((cid, eid))
            if status in ACTIVE:
                out[eid].load += 1
            elif status in DONE:
                out[eid].accepted += 1
        ratings = session.exec(
            select(Rating.engineer_id, func.sum(Rating.overall), func.count(Rating.id))
            .where(id_in(session, Rating.engineer_id, part), Rating.direction == "firm_to_engineer")
            .group_by(Rating.engineer_id)
        ).all()
        for eid, total, n in ratings:
            out[eid].rating_sum, out[eid].rating_n = float(total or 0), int(n)
    return out


STRUCT_PARTS = ("skill", "field", "region", "seniority", "record", "busy")


def _structured_parts(query: docmod.Doc, doc: docmod.Doc, stats: Stats | None) -> tuple[tuple[float, ...], list[str]]:
    """The raw structured features of one engineer for one challenge (see STRUCT_PARTS)."""
    matched = sorted(query.skills & doc.skills)
    skill = len(matched) / len(query.skills) if query.skills else 0.0
    field_hit = 1.0 if query.fields & (doc.fields | doc.clusters) else 0.0
    region = 1.0 if query.region and query.region == doc.region else 0.0
    seniority = (doc.title_rank + doc.talent_rank) / 6.0
    record = 0.0
    busy = 0.0 if doc.available else 1.0
    if stats is not None:
        if stats.rating_n:
            record += (stats.rating - 3.0) / 2.0 * min(1.0, stats.rating_n / 5.0)
        record += min(stats.accepted, 5) / 10.0
        if stats.load >= doc.capacity:
            busy = 1.0
    return (skill, field_hit, region, seniority, record, busy), matched


def structured_score(parts: tuple[float, ...], w: Weights) -> float:
    skill, field_hit, region, seniority, record, busy = parts
    return (w.skill * skill + w.field * field_hit + w.region * region + w.seniority * seniority
            + w.record * record - w.busy * busy)


@dataclass
class Channels:
    """Every channel's raw score for each candidate of one challenge."""

    ids: list[int]
    dense: dict[int, float]
    lexical: dict[int, float]  # log(1 + BM25)
    bm25: dict[int, float]
    parts: dict[int, tuple[float, ...]]
    matched: dict[int, list[str]]
    query: docmod.Doc | None = None
    stats: dict[int, Stats] = field(default_factory=dict)

    def fused(self, weights: Weights) -> dict[int, float]:
        structured = {i: structured_score(p, weights) for i, p in self.parts.items()}
        return fuse({"dense": self.dense, "lexical": self.lexical, "structured": structured}, self.ids, weights)

    def with_track_record(self, session: Session, store: Store, fused: dict[int, float], weights: Weights,
                          shortlist: list[int]) -> dict[int, float]:
        """Second stage: add ratings, deliveries and load for the shortlist, in the first stage's z units
        (the structured channel is linear, so this equals recomputing it with the database figures)."""
        stats = self.stats = engineer_stats(session, shortlist)
        std = float(np.std([structured_score(self.parts[i], weights) for i in self.ids])) or 1.0
        out = dict(fused)
        for i in shortlist:
            before = structured_score(self.parts[i], weights)
            self.parts[i], _ = _structured_parts(self.query, store.docs[i], stats[i])
            out[i] = fused[i] + weights.structured * (structured_score(self.parts[i], weights) - before) / std
        return out


def engineer_channels(session: Session, store: Store, challenge: Challenge, *, weights: Weights = DEFAULT_WEIGHTS,
                      pool: int = POOL, exclude: set[int] | None = None) -> Channels | None:
    text = docmod.challenge_text(challenge)
    if not has_content(text):
        return None
    qdoc = docmod.challenge_doc(challenge)
    qtokens = tokens(text)
    qvec = store.encoder.query_vector(text) if store.vectors.dim and weights.dense else None

    candidates: set[int] = set()
    dense: dict[int, float] = {}
    if qvec is not None:
        dense = store.vectors.search(qvec, pool)
        candidates |= dense.keys()
    bm25 = store.bm25.score_all(qtokens)
    lexical = bm25.top(pool) if weights.lexical or not candidates else {}
    candidates |= lexical.keys()
    for s in qdoc.skills:
        bucket = store.skill_index.get(s, set())
        if len(bucket) <= SKILL_BUCKET_LIMIT:
            candidates |= bucket
    candidates &= store.docs.keys()
    if exclude:
        candidates -= exclude
    if not candidates:
        return None
    ids = sorted(candidates)
    if qvec is not None:
        dense.update(store.vectors.similarities(qvec, [i for i in ids if i not in dense]))
    lexical.update(bm25.of([i for i in ids if i not in lexical]))
    parts: dict[int, tuple[float, ...]] = {}
    matched: dict[int, list[str]] = {}
    for i in ids:
        parts[i], matched[i] = _structured_parts(qdoc, store.docs[i], None)
    return Channels(ids=ids, dense=dense, lexical={i: float(np.log1p(v)) for i, v in lexical.items()},
                    bm25=lexical, parts=parts, matched=matched, query=qdoc)


def rank_engineer_ids(session: Session, store: Store, challenge: Challenge, *, top: int = 10,
                      weights: Weights = DEFAULT_WEIGHTS, diversity: Diversity = DEFAULT_DIVERSITY,
                      pool: int = POOL, exclude: set[int] | None = None) -> list[Ranked]:
    if top <= 0:
        return []
    ch = engineer_channels(session, store, challenge, weights=weights, pool=pool, exclude=exclude)
    if ch is None:
        return []
    fused = ch.fused(weights)
    order = sorted(ch.ids, key=lambda i: (-fused[i], i))
    shortlist = order[: max(SHORTLIST, top * 5)]
    fused = ch.with_track_record(session, store, fused, weights, shortlist)
    order = sorted(shortlist, key=lambda i: (-fused[i], i))
    chosen = _diversify(order, fused, store, top, diversity)
    return [Ranked(id=i, fused=f, score=display_score(f),
                   channels={"dense": ch.dense.get(i, 0.0), "lexical": ch.bm25.get(i, 0.0),
                             "structured": structured_score(ch.parts[i], weights)},
                   matched_skills=ch.matched.get(i, []), stats=ch.stats.get(i)) for i, f in chosen]


def _diversify(order: list[int], fused: dict[int, float], store: Store, top: int,
               diversity: Diversity) -> list[tuple[int, float]]:
    if not diversity.active:
        return [(i, fused[i]) for i in order[:top]]
    pool = order[: max(top * 5, 50)]
    centers: dict[int, int] = {}
    orgs: dict[int, int] = {}
    regions: dict[str, int] = {}
    chosen: list[tuple[int, float]] = []
    quota = max(1, math.ceil(top * diversity.max_share))
    while pool and len(chosen) < top:
        best, best_score = None, -math.inf
        open_pool = [i for i in pool if all(centers.get(c, 0) < quota for c in store.docs[i].centers)] or pool
        for i in open_pool:
            d = store.docs[i]
            penalty = (diversity.center * max((centers.get(c, 0) for c in d.centers), default=0)
                       + diversity.org * (orgs.get(d.org, 0) if d.org else 0)
                       + diversity.region * (regions.get(d.region, 0) if d.region else 0))
            s = fused[i] - penalty
            if s > best_score:
                best, best_score = i, s
        pool.remove(best)
        chosen.append((best, best_score))
        d = store.docs[best]
        for c in d.centers:
            centers[c] = centers.get(c, 0) + 1
        if d.org:
            orgs[d.org] = orgs.get(d.org, 0) + 1
        if d.region:
            regions[d.region] = regions.get(d.region, 0) + 1
    return chosen


def rank_challenge_ids(session: Session, store: Store, engineer: Engineer, *, top: int = 10,
                       weights: Weights = DEFAULT_WEIGHTS) -> list[Ranked]:
    """Open challenges for an engineer (the reverse feed)."""
    text = docmod.engineer_text(engineer)
    if not has_content(text) or top <= 0:
        return []
    open_ids = list(session.exec(select(Challenge.id).where(Challenge.status == "open")).all())
    ids = [i for i in open_ids if i in store.docs]
    if not ids:
        return []
    centers = docmod.engineer_centers(session, [engineer.id]).get(engineer.id, [])
    edoc = docmod.engineer_doc(engineer, centers)
    dense: dict[int, float] = {}
    if store.vectors.dim and weights.dense:
        qvec = store.encoder.query_vector(text)
        dense = store.vectors.similarities(qvec, ids)
    lexical = {i: float(np.log1p(v)) for i, v in store.bm25.score_ids(tokens(text), ids).items()}
    structured: dict[int, float] = {}
    matched: dict[int, list[str]] = {}
    for i in ids:
        c = store.docs[i]
        skill_hits = sorted(c.skills & edoc.skills)
        coverage = len(skill_hits) / len(c.skills) if c.skills else 0.0
        field_hit = 1.0 if c.fields & (edoc.fields | edoc.clusters) else 0.0
        region = 1.0 if c.region and c.region == edoc.region else 0.0
        structured[i] = weights.skill * coverage + weights.field * field_hit + weights.region * region
        matched[i] = skill_hits
    fused = fuse({"dense": dense, "lexical": lexical, "structured": structured}, ids, weights)
    order = sorted(ids, key=lambda i: (-fused[i], i))[:top]
    return [Ranked(id=i, fused=fused[i], score=display_score(fused[i]),
                   channels={"dense": dense.get(i, 0.0), "lexical": lexical.get(i, 0.0),
                             "structured": structured[i]}, matched_skills=matched[i]) for i in order]
