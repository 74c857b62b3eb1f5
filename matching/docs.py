"""What the matcher keeps about each engineer and challenge (static features and texts)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, select

from core.sql import id_in
from marketplace.challenges.models import Challenge
from matching.vocab import TALENT_RANK, TITLE_RANK, canonical, normalize, skills_in_text
from talent.models import Center, Engineer, PoolMembership


@dataclass(slots=True)
class Doc:
    id: int
    skills: frozenset[str]  # canonical skills, declared or found in the text
    declared: dict[str, str]  # canonical -> the owner's own wording (for reasons)
    fields: frozenset[str]
    region: str = ""
    centers: tuple[int, ...] = ()
    clusters: frozenset[str] = field(default_factory=frozenset)
    org: int | None = None
    title_rank: int = 0
    talent_rank: int = 0
    capacity: int = 0
    available: bool = True


def _skill_sets(declared: Iterable[str], text: str) -> tuple[frozenset[str], dict[str, str]]:
    own: dict[str, str] = {}
    for term in declared:
        if shown := normalize(term):
            own.setdefault(canonical(shown), shown)
    found = skills_in_text(text) | set(own)
    return frozenset(found), own


def _joined(values) -> str:
    return "、".join(v.strip() for v in values or [] if v and v.strip())


def engineer_text(e: Engineer) -> str:
    parts = [e.title or "", _joined(e.skills), _joined(e.fields), e.bio or ""]
    return "\n".join(p.strip() for p in parts if p and p.strip())


def challenge_text(c: Challenge) -> str:
    parts = [c.title, c.description or "", _joined(c.skills), _joined(c.fields), c.kpis or "", c.solver_conditions or ""]
    return "\n".join(p.strip() for p in parts if p and p.strip())


def engineer_doc(e: Engineer, centers: list[Center]) -> Doc:
    skills, own = _skill_sets(e.skills or [], " ".join([e.bio or "", *(e.skills or [])]))
    return Doc(
        id=e.id, skills=skills, declared=own,
        fields=frozenset(normalize(f) for f in (e.fields or []) if normalize(f)),
        region=e.region or "", centers=tuple(c.id for c in centers),
        clusters=frozenset(c.cluster for c in centers if c.cluster),
        org=e.employer_id, title_rank=TITLE_RANK.get(normalize(e.title or ""), 0),
        talent_rank=TALENT_RANK.get(e.talent_level or "", 0),
        capacity=e.capacity, available=e.available,
    )


def challenge_doc(c: Challenge) -> Doc:
    skills, own = _skill_sets(c.skills or [], " ".join([c.title, c.description or "", *(c.skills or [])]))
    return Doc(id=c.id, skills=skills, declared=own,
               fields=frozenset(normalize(f) for f in (c.fields or []) if normalize(f)),
               region=c.region or "", centers=(c.center_id,) if c.center_id else (), org=c.company_id)


def engineer_centers(session: Session, ids: list[int]) -> dict[int, list[Center]]:
    out: dict[int, list[Center]] = {}
    if not ids:
        return out
    for chunk in range(0, len(ids), 900):
        part = ids[chunk:chunk + 900]
        rows = session.exec(
            select(PoolMembership.engineer_id, Center)
            .join(Center, Center.id == PoolMembership.center_id)
            .where(id_in(session, PoolMembership.engineer_id, part), PoolMembership.status == "active")
        ).all()
        for eid, center in rows:
            out.setdefault(eid, []).append(center)
    return out


def load_engineers(session: Session, ids: list[int]) -> list[tuple[Engineer, list[Center]]]:
    """The given engineers with their active centers."""
    rows = []
    for chunk in range(0, len(ids), 900):
        rows += session.exec(select(Engineer).where(id_in(session, Engineer.id, ids[chunk:chunk + 900]))).all()
    centers = engineer_centers(session, [e.id for e in rows])
    return [(e, centers.get(e.id, [])) for e in rows]


def load_challenges(session: Session, ids: list[int]) -> list[Challenge]:
    rows = []
    for chunk in range(0, len(ids), 900):
        rows += session.exec(select(Challenge).where(id_in(session, Challenge.id, ids[chunk:chunk + 900]))).all()
    return rows
