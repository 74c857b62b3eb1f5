"""Search what a person typed: the challenge hall and the engineer directory.

SQLite answers from FTS5 trigram tables, PostgreSQL from pg_trgm indexes
(migration 2026-11-29_full_text_search). Terms shorter than three characters
cannot use a trigram index and fall back to LIKE on the same text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, not_, or_, text
from sqlmodel import Session, col, select

from accounts.models import User
from core.recent import Recent
from marketplace.challenges.models import Challenge, ChallengeKind, ChallengeStatus
from marketplace.challenges.visibility import details_visible_clause
from talent.models import Center, Engineer, PoolMembership

PER_PAGE = 10
HUNAN_CITIES = ["长沙市", "株洲市", "湘潭市", "衡阳市", "邵阳市", "岳阳市", "常德市", "张家界市", "益阳市",
                "郴州市", "永州市", "怀化市", "娄底市", "湘西州"]
HALL_STATUSES = ["open", "bidding_closed", "awarded", "in_progress", "delivered", "accepted", "closed",
                 "expired", "cancelled", "answered", "resolved"]


@dataclass
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass
class HallQuery:
    q: str = ""
    field: str = ""
    region: str = ""
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    deadline_from: date | None = None
    deadline_to: date | None = None
    status: str = ""
    kind: str = ""
    page: int = 1
    errors: dict[str, str] = dc_field(default_factory=dict)


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _terms(q: str) -> list[str]:
    return [t for t in q.replace("，", " ").replace(",", " ").split() if t][:8]


def _like_pattern(term: str) -> str:
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _text_clause(session: Session, table: str, terms: list[str], *,
                 public: bool = False) -> ColumnElement[bool] | None:
    """All terms must occur in the row's searchable text (`public`: only in a challenge's public fields)."""
    if not terms:
        return None
    clauses = []
    for i, term in enumerate(terms):
        name = f"{table}_{'p' if public else 't'}{i}"
        if _is_sqlite(session):
            fts = f"{table}_fts"
            if len(term) >= 3:
                phrase = ("{title tags} : " if public else "") + _fts_phrase(term)
                clauses.append(text(f"{table}.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH :{name})")
                               .bindparams(bindparam(name, phrase)))
            else:
                clauses.append(text(
                    f"{table}.id IN (SELECT rowid FROM {fts} WHERE lower({_fts_concat(table, public)}) "
                    f"LIKE :{name} ESCAPE '\\')"
                ).bindparams(bindparam(name, _like_pattern(term))))
        else:
            expr = PG_PUBLIC_TEXT if public else PG_TEXT[table]
            clauses.append(text(f"{expr} LIKE :{name} ESCAPE '\\'").bindparams(bindparam(name, _like_pattern(term))))
    return and_(*clauses)


def _fts_concat(table: str, public: bool = False) -> str:
    columns = {"challenge": ("title", "tags") if public else ("title", "description", "tags"),
               "engineer": ("name", "bio", "tags")}[table]
    return " || ' ' || ".join(columns)


PG_TEXT = {
    "challenge": "xc_challenge_text(challenge.title, challenge.description, challenge.skills, challenge.fields)",
    "engineer": "xc_engineer_text(engineer.name, engineer.title, engineer.region, engineer.bio, "
                "engineer.skills, engineer.fields)",
}
# an invite-only challenge's public text: its description stays out of the match for those who may not read it
PG_PUBLIC_TEXT = "xc_challenge_text(challenge.title, '', challenge.skills, challenge.fields)"


def _json_has(session: Session, table: str, column: str, value: str, name: str) -> ColumnElement[bool]:
    if _is_sqlite(session):
        sql = f"EXISTS (SELECT 1 FROM json_each({table}.{column}) WHERE value = :{name})"
    else:
        sql = f"EXISTS (SELECT 1 FROM json_array_elements_text({table}.{column}) v WHERE v = :{name})"
    return text(sql).bindparams(bindparam(name, value))


def _paginate(session: Session, stmt, order, page: int, per_page: int = PER_PAGE) -> Page:
    """One page and the total in one query (a window count); a page past the end shows the last one."""
    page = max(1, page)
    counted = stmt.add_columns(func.count().over()).order_by(*order)
    rows = session.execute(counted.offset((page - 1) * per_page).limit(per_page)).all()
    if rows:
        return Page(items=[row[0] for row in rows], total=int(rows[0][-1]), page=page, per_page=per_page)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    last = max(1, math.ceil(total / per_page))
    if not total or page <= last:
        return Page(items=[], total=total, page=min(page, last), per_page=per_page)
    return _paginate(session, stmt, order, last, per_page)


def search_challenges(session: Session, query: HallQuery, *, viewer: User | None = None) -> Page:
    """The 揭榜大厅: published challenges and consultations, newest first.

    An invite-only challenge whose details the viewer may not read is found by its public fields only
    (title, skills, fields, region…), never by its description or budget."""
    stmt = select(Challenge).where(Challenge.status != ChallengeStatus.draft)
    hidden = and_(Challenge.visibility == "invite", not_(details_visible_clause(viewer)))
    terms = _terms(query.q)
    match = _text_clause(session, "challenge", terms)
    if match is not None:
        public = _text_clause(session, "challenge", terms, public=True)
        stmt = stmt.where(or_(and_(not_(hidden), match), and_(hidden, public)))
    if query.budget_min is not None or query.budget_max is not None:
        stmt = stmt.where(not_(hidden))
    if query.kind in (ChallengeKind.challenge, ChallengeKind.consultation):
        stmt = stmt.where(Challenge.kind == query.kind)
    if query.status:
        stmt = stmt.where(Challenge.status == query.status)
    if query.region:
        stmt = stmt.where(Challenge.region == query.region)
    if query.field:
        stmt = stmt.where(_json_has(session, "challenge", "fields", query.field, "hall_field"))
    if query.budget_min is not None:
        stmt = stmt.where(Challenge.budget >= query.budget_min)
    if query.budget_max is not None:
        stmt = stmt.where(Challenge.budget <= query.budget_max)
    if query.deadline_from is not None:
        stmt = stmt.where(Challenge.deadline >= query.deadline_from)
    if query.deadline_to is not None:
        stmt = stmt.where(Challenge.deadline <= query.deadline_to)
    order = (col(Challenge.published_at).desc(), col(Challenge.id).desc())
    return _paginate(session, stmt, order, query.page)


FIELD_OPTIONS_TTL = 60  # seconds; a new field appears in the hall's filter within a minute
_field_options = Recent(lambda: FIELD_OPTIONS_TTL, maxsize=16)


def hall_field_options(session: Session, limit: int = 500) -> list[str]:
    """Fields named by recent published challenges, for the filter select (read at most once a minute)."""
    return _field_options.remember((str(session.get_bind().engine.url), limit),
                                   lambda: _read_field_options(session, limit))


def _read_field_options(session: Session, limit: int) -> list[str]:
    rows = session.exec(
        select(Challenge.fields).where(Challenge.status != ChallengeStatus.draft)
        .order_by(col(Challenge.id).desc()).limit(limit)
    ).all()
    seen: dict[str, None] = {}
    for fields in rows:
        for name in fields or []:
            seen.setdefault(str(name), None)
    return sorted(seen)


def search_engineers(session: Session, *, q: str = "", center_id: int | None = None, skill: str = "",
                     page: int = 1) -> Page:
    """The engineer directory, by center pool, skill and free text."""
    stmt = select(Engineer)
    match = _text_clause(session, "engineer", _terms(q))
    if match is not None:
        stmt = stmt.where(match)
    if skill:
        stmt = stmt.where(or_(_json_has(session, "engineer", "skills", skill, "dir_skill"),
                              _json_has(session, "engineer", "fields", skill, "dir_skill_f")))
    if center_id:
        pool = select(PoolMembership.engineer_id).where(PoolMembership.center_id == center_id,
                                                        PoolMembership.status == "active")
        stmt = stmt.where(col(Engineer.id).in_(pool))
    return _paginate(session, stmt, (col(Engineer.name), col(Engineer.id)), page)


def center_options(session: Session) -> list[Center]:
    return list(session.exec(select(Center).order_by(Center.name)).all())
