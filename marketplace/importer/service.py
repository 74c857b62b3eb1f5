"""Import engineers and challenges: validate every record, then upsert on external_id.

`plan_import` reads nothing but the database and reports each bad record
with its line; `apply_import` writes the valid ones in the caller's
transaction (the CLI's one session), so an import lands whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from accounts import service as accounts
from accounts.models import Organisation, OrgKind
from core import eventlog as events
from core.changes import mark_changed
from core.clock import now, to_china
from core.errors import Invalid
from marketplace.challenges.models import Challenge, ChallengeKind, ChallengeStatus
from marketplace.importer.files import RawRecord, read_records
from marketplace.importer.records import (
    RECORD_MODELS,
    ChallengeRecord,
    EngineerRecord,
    parse_record,
)
from talent.models import Center, Engineer, PoolMembership
from talent.service import find_center

KINDS = ("engineers", "challenges")
UNNAMED_COMPANY = "未具名企业"
DEFAULT_ENGAGEMENT = "兼职"
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class RecordError:
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.reason}"


@dataclass
class ImportPlan:
    kind: str
    records: list[tuple[int, Any]] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)

    @property
    def bad_lines(self) -> int:
        return len({e.line for e in self.errors})

    def report(self) -> list[str]:
        """One line per bad record: `line N: field: reason`, further problems of that record after “；”."""
        by_line: dict[int, list[RecordError]] = {}
        for error in self.errors:
            by_line.setdefault(error.line, []).append(error)
        return ["；".join([str(errors[0])] + [f"{e.field}: {e.reason}" for e in errors[1:]])
                for _, errors in sorted(by_line.items())]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "skipped": self.skipped}


def center_by_ref(session: Session, ref: str) -> Center | None:
    """A center by name, external id or database id; digits no database id can hold are only a name."""
    if ref.isdigit() and (not ref.isascii() or int(ref) > MAX_ID):
        return session.exec(select(Center).where((Center.name == ref) | (Center.external_id == ref))).first()
    return find_center(session, ref)


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise Invalid(f"未知的导入类型“{kind}”，应为 engineers 或 challenges", field="kind")
    return kind


def plan_import(session: Session, *, kind: str, raw: list[RawRecord]) -> ImportPlan:
    """Validate every record (shape, vocabularies, references) without writing."""
    plan = ImportPlan(check_kind(kind))
    model = RECORD_MODELS[kind]
    singular = kind.removesuffix("s")
    seen: dict[str, int] = {}
    references = _ReferenceCheck(session)
    for item in raw:
        record_type = item.data.get("type")
        if record_type not in (None, "", singular, kind):
            continue  # an evaluation set mixes types; take only ours
        problems = [item.problem] if item.problem else []
        record, shape = parse_record(model, item.data)
        problems += shape
        if record is not None:
            if record.external_id in seen:
                problems.append(("external_id", f"与第{seen[record.external_id]}行重复"))
            else:
                seen[record.external_id] = item.line
            if isinstance(record, ChallengeRecord):
                problems += references.challenge(record)
        if problems:
            plan.errors += [RecordError(item.line, where, reason) for where, reason in problems]
        else:
            plan.records.append((item.line, record))
    return plan


class _ReferenceCheck:
    """Checks that need the database: centers that must exist, credit codes that must agree."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.code_owner: dict[str, str] = {}  # credit code -> company name, from earlier lines

    def challenge(self, record: ChallengeRecord) -> list[tuple[str, str]]:
        problems = []
        if record.center and center_by_ref(self.session, record.center) is None:
            problems.append(("center", f"中心“{record.center}”不存在"))
        if record.credit_code:
            problems += self._credit_code(record.credit_code, record.company)
        return problems

    def _credit_code(self, code: str, company: str | None) -> list[tuple[str, str]]:
        holder = self.session.exec(select(Organisation).where(Organisation.credit_code == code)).first()
        owner = holder.name if holder else self.code_owner.get(code)
        if owner is not None and company is not None and owner != company:
            return [("credit_code", f"该信用代码已属于“{owner}”")]
        if company is not None:
            org = self.session.exec(select(Organisation).where(Organisation.name == company)).first()
            if org is not None and org.credit_code and org.credit_code != code:
                return [("credit_code", f"“{company}”已登记信用代码{org.credit_code}，与本条不一致")]
            for known_code, name in self.code_owner.items():
                if name == company and known_code != code:
                    return [("credit_code", f"与前文“{company}”的信用代码不一致")]
        self.code_owner.setdefault(code, company or owner or "")
        return []


def apply_import(session: Session, *, plan: ImportPlan, skip_invalid: bool = False,
                 at: datetime | None = None) -> ImportResult:
    """Upsert the plan's valid records; refuse when any record is bad unless skip_invalid."""
    if plan.errors and not skip_invalid:
        raise Invalid(f"{plan.bad_lines} 条记录无效，未导入任何数据", field="file")
    moment = at or now()
    result = ImportResult(skipped=plan.bad_lines)
    upsert = _upsert_engineer if plan.kind == "engineers" else _upsert_challenge
    for line, record in plan.records:
        created = upsert(session, record, line=line, at=moment)
        if created:
            result.created += 1
        else:
            result.updated += 1
    session.flush()
    return result


def import_file(session: Session, *, kind: str, path: Path, skip_invalid: bool = False) -> tuple[ImportResult, list[RecordError]]:
    """Read, validate and apply one file; errors are returned (and nothing written unless skip_invalid)."""
    plan = plan_import(session, kind=kind, raw=read_records(path))
    if plan.errors and not skip_invalid:
        return ImportResult(), plan.errors
    return apply_import(session, plan=plan, skip_invalid=skip_invalid), plan.errors


# ---------------------------------------------------------------- writers

def _given(record: Any, name: str) -> bool:
    return name in record.model_fields_set


def _assign(obj: Any, record: Any, names: tuple[str, ...]) -> None:
    for name in names:
        if _given(record, name):
            setattr(obj, name, getattr(record, name))


def _upsert_engineer(session: Session, record: EngineerRecord, *, line: int, at: datetime) -> bool:
    engineer = session.exec(select(Engineer).where(Engineer.external_id == record.external_id)).first()
    created = engineer is None
    if engineer is None:
        engineer = Engineer(external_id=record.external_id, name=record.name, created_at=at)
        session.add(engineer)
    _assign(engineer, record, ("name", "title", "skills", "fields", "bio", "region"))
    if record.engagement:
        engineer.engagement = record.engagement
    if record.talent_level or (created and _given(record, "talent_level")):
        engineer.talent_level = record.talent_level or "none"
    if record.capacity is not None:
        engineer.capacity = record.capacity
    engineer.updated_at = at
    session.flush()
    if record.center:
        _join_pool(session, engineer, _center_for(session, record.center, at=at), record.engagement, line=line, at=at)
    mark_changed(session, "engineers", engineer.id)
    return created


def _center_for(session: Session, ref: str, *, at: datetime) -> Center:
    center = center_by_ref(session, ref)
    if center is None:
        center = Center(name=ref, created_at=at)
        session.add(center)
        session.flush()
    return center


def _join_pool(session: Session, engineer: Engineer, center: Center, engagement: str | None, *,
               line: int, at: datetime) -> None:
    membership = session.exec(select(PoolMembership).where(PoolMembership.center_id == center.id,
                                                           PoolMembership.engineer_id == engineer.id)).first()
    if membership is not None and membership.status == "active":
        if engagement:
            membership.engagement = engagement
        return
    if membership is None:
        membership = PoolMembership(center_id=center.id, engineer_id=engineer.id)
        session.add(membership)
    membership.engagement = engagement or engineer.engagement or DEFAULT_ENGAGEMENT
    membership.status = "active"
    membership.joined_on = to_china(at).date()
    membership.left_on = None
    session.flush()
    events.record(session, "pool.joined", at=at, center_id=center.id, engineer_id=engineer.id,
                  subject=("engineer", engineer.id),
                  data={"engagement": membership.engagement, "source": "import", "line": line})


def _company_for(session: Session, record: ChallengeRecord) -> Organisation:
    name = record.company
    if name is None and record.credit_code:
        holder = session.exec(select(Organisation).where(Organisation.credit_code == record.credit_code)).first()
        name = holder.name if holder else None
    org = accounts.get_or_create_org(session, name or UNNAMED_COMPANY, kind=OrgKind.enterprise)
    if record.credit_code and not org.credit_code and name:
        org.credit_code = record.credit_code
    if org.region is None and record.region:
        org.region = record.region
    session.flush()
    return org


def _upsert_challenge(session: Session, record: ChallengeRecord, *, line: int, at: datetime) -> bool:
    challenge = session.exec(select(Challenge).where(Challenge.external_id == record.external_id)).first()
    created = challenge is None
    center = center_by_ref(session, record.center) if record.center else None
    if challenge is None or _given(record, "company") or _given(record, "credit_code"):
        company_id = _company_for(session, record).id
    else:
        company_id = challenge.company_id
    if challenge is None:
        challenge = Challenge(external_id=record.external_id, title=record.title, description=record.description,
                              company_id=company_id, kind=record.kind or ChallengeKind.challenge,
                              status=ChallengeStatus.open, published_at=at, created_at=at)
        session.add(challenge)
    challenge.company_id = company_id
    if record.kind:
        challenge.kind = record.kind
    _assign(challenge, record, ("title", "description", "fields", "skills", "region", "budget", "deadline",
                                "kpis", "ip_terms"))
    if center is not None or (_given(record, "center") and not created):
        challenge.center_id = center.id if center else None
    challenge.updated_at = at
    session.flush()
    if created:
        events.record(session, "challenge.published", at=at, center_id=challenge.center_id,
                      organisation_id=company_id, challenge_id=challenge.id, subject=("challenge", challenge.id),
                      data={"source": "import", "line": line, "kind": challenge.kind})
    mark_changed(session, "challenges", challenge.id)
    return created

