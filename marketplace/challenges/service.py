"""Challenges: post, edit, publish, cancel, close, NDA, attachments, the public view."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from accounts import policy
from accounts import service as accounts
from accounts.models import Organisation, OrgKind, User
from core import eventlog as events
from core.clock import now, today
from core.creditcode import validate_credit_code
from core.errors import Conflict, Forbidden, Invalid
from core.lookup import find_by_ref
from marketplace.challenges import lifecycle, search
from marketplace.challenges.bids import reject_live_bids
from marketplace.challenges.models import (
    Challenge,
    ChallengeAttachment,
    ChallengeStatus,
    NdaAcceptance,
)
from marketplace.challenges.schemas import (
    ChallengeCreate,
    ChallengePage,
    ChallengePublic,
    ChallengeUpdate,
)
from marketplace.challenges.visibility import details_allowed
from marketplace.execution.models import Collaboration, CollabStatus
from marketplace.files import service as storage
from marketplace.files.models import StoredFile
from talent.service import find_center

S = ChallengeStatus
EDITABLE = (S.draft, S.open)


def _center_id(session: Session, ref: str | None) -> int | None:
    if not ref:
        return None
    center = find_center(session, ref)
    if center is None:
        raise Invalid(f"中心“{ref}”不存在", field="center")
    return center.id


def _company(session: Session, data: ChallengeCreate, by: User) -> Organisation:
    if policy.is_admin(by):
        if not data.company:
            raise Invalid("请填写发榜企业名称", field="company")
        company = accounts.get_or_create_org(session, data.company, kind=OrgKind.enterprise)
    else:
        company = session.get(Organisation, by.organisation_id)
        if data.company and company is not None and data.company != company.name:
            raise Forbidden("企业用户只能以本企业名义发榜")
    if data.credit_code:
        try:
            code = validate_credit_code(data.credit_code)
        except ValueError as exc:
            raise Invalid(str(exc), field="credit_code") from exc
        if company.credit_code and company.credit_code != code:
            raise Invalid("统一社会信用代码与企业登记的不一致", field="credit_code")
        if not company.credit_code:
            if session.exec(select(Organisation.id).where(Organisation.credit_code == code)).first():
                raise Invalid("该统一社会信用代码已属于另一家企业", field="credit_code")
            company.credit_code = code
    return company


def _check_deadline(deadline: date | None, *, publishing: bool) -> None:
    if publishing and deadline is not None and deadline < today():
        raise Invalid("揭榜截止日期已过，请改为今天或以后的日期", field="deadline")


def create_challenge(session: Session, *, data: ChallengeCreate, by: User) -> Challenge:
    """Post a challenge for the user's firm; open for bids unless status is draft."""
    if not policy.can_post_challenge(by):
        raise Forbidden("只有企业用户可以发榜")
    if data.external_id and session.exec(select(Challenge.id).where(Challenge.external_id == data.external_id)).first():
        raise Conflict(f"编号“{data.external_id}”已被使用")
    _check_deadline(data.deadline, publishing=data.status == S.open)
    if data.delivery_deadline and data.deadline and data.delivery_deadline < data.deadline:
        raise Invalid("攻关期限不能早于揭榜截止日期", field="delivery_deadline")
    company = _company(session, data, by)
    values = data.model_dump(exclude={"company", "credit_code", "center", "status", "region"})
    values.update(fields=data.fields or [], skills=data.skills or [])
    challenge = Challenge(**values, company_id=company.id, posted_by_id=by.id, status=S.draft,
                          center_id=_center_id(session, data.center), region=data.region or company.region)
    session.add(challenge)
    session.flush()
    events.record(session, "challenge.created", actor_id=by.id, subject=("challenge", challenge.id),
                  data={"title": challenge.title, "kind": challenge.kind}, **lifecycle.event_scope(challenge))
    if data.status == S.open:
        lifecycle.transition(session, challenge=challenge, to=S.open, actor_id=by.id)
    return challenge


def update_challenge(session: Session, *, challenge: Challenge, data: ChallengeUpdate, by: User) -> Challenge:
    """Edit the notice while it is a draft or open; records which fields changed."""
    policy.require(policy.can_edit_challenge(by, challenge), "只能修改本企业的榜单")
    lifecycle.settle_deadline(session, challenge=challenge, today=today())
    if challenge.status not in EDITABLE:
        raise Conflict(f"榜单已{lifecycle.label(challenge.status)}，不能再修改")
    changes = data.model_dump(exclude_unset=True)
    if "center" in changes:
        changes["center_id"] = _center_id(session, changes.pop("center"))
    for name in ("title", "description", "kind", "scheme", "visibility"):
        if name in changes and changes[name] is None:
            raise Invalid("该字段不能为空", field=name)
    if "deadline" in changes:
        _check_deadline(changes["deadline"], publishing=challenge.status == S.open)
    changed = [name for name, value in changes.items() if getattr(challenge, name) != value]
    for name in changed:
        empty_list = changes[name] is None and name in ("fields", "skills")
        setattr(challenge, name, [] if empty_list else changes[name])
    if changed:
        challenge.updated_at = now()
        session.add(challenge)
        events.record(session, "challenge.updated", actor_id=by.id, subject=("challenge", challenge.id),
                      data={"fields": changed}, **lifecycle.event_scope(challenge))
    return challenge


def publish(session: Session, *, challenge: Challenge, by: User) -> Challenge:
    policy.require(policy.can_edit_challenge(by, challenge), "只能发布本企业的榜单")
    _check_deadline(challenge.deadline, publishing=True)
    return lifecycle.transition(session, challenge=challenge, to=S.open, actor_id=by.id)


def cancel(session: Session, *, challenge: Challenge, by: User, reason: str | None = None) -> Challenge:
    """撤榜 before the award; every live bid is rejected with the reason."""
    policy.require(policy.can_edit_challenge(by, challenge), "只能撤销本企业的榜单")
    lifecycle.check_move(challenge.status, S.cancelled)
    lifecycle.transition(session, challenge=challenge, to=S.cancelled, actor_id=by.id, reason=reason or "发榜方撤榜")
    reject_live_bids(session, challenge=challenge, by=by, reason=f"榜单已撤销：{reason or '发榜方撤榜'}")
    return challenge


def close(session: Session, *, challenge: Challenge, by: User, reason: str | None = None) -> Challenge:
    """结项 after acceptance: the challenge and its accepted collaboration close together."""
    policy.require(policy.can_edit_challenge(by, challenge), "只能变更本企业榜单的状态")
    lifecycle.check_move(challenge.status, S.closed)
    collaboration = session.exec(select(Collaboration).where(Collaboration.challenge_id == challenge.id)
                                 .order_by(col(Collaboration.id).desc())).first()
    lifecycle.transition(session, challenge=challenge, to=S.closed, actor_id=by.id, reason=reason,
                         collaboration=collaboration)
    if collaboration is not None and collaboration.status == CollabStatus.accepted:
        collaboration.status, collaboration.closed_at = CollabStatus.closed, challenge.closed_at
        session.add(collaboration)
    return challenge


def change_status(session: Session, *, challenge: Challenge, to: str, by: User, reason: str | None = None) -> Challenge:
    """The generic /transition: publish, close bidding, cancel, close."""
    policy.require(policy.can_edit_challenge(by, challenge), "只能变更本企业榜单的状态")
    lifecycle.settle_deadline(session, challenge=challenge, today=today())
    if to == S.open:
        return publish(session, challenge=challenge, by=by)
    if to == S.cancelled:
        return cancel(session, challenge=challenge, by=by, reason=reason)
    if to == S.closed:
        return close(session, challenge=challenge, by=by, reason=reason)
    return lifecycle.transition(session, challenge=challenge, to=to, actor_id=by.id, reason=reason)


# ---------------------------------------------------------------- NDA

def accept_nda(session: Session, *, challenge: Challenge, by: User) -> NdaAcceptance:
    """An engineer signs the challenge's NDA; signing twice keeps the first signature."""
    if not policy.can_bid(by):
        raise Forbidden("只有共享工程师需要签署保密协议")
    existing = session.exec(select(NdaAcceptance).where(NdaAcceptance.challenge_id == challenge.id,
                                                        NdaAcceptance.user_id == by.id)).first()
    if existing:
        return existing
    acceptance = NdaAcceptance(challenge_id=challenge.id, user_id=by.id)
    session.add(acceptance)
    session.flush()
    events.record(session, "challenge.nda_accepted", actor_id=by.id, engineer_id=by.engineer_id,
                  challenge_id=challenge.id, organisation_id=challenge.company_id, center_id=challenge.center_id,
                  subject=("nda", acceptance.id))
    return acceptance




# ---------------------------------------------------------------- attachments

def attach_file(session: Session, *, challenge: Challenge, data: bytes, filename: str | None, by: User) -> StoredFile:
    policy.require(policy.can_edit_challenge(by, challenge), "只能为本企业的榜单添加附件")
    if challenge.status not in EDITABLE:
        raise Conflict(f"榜单已{lifecycle.label(challenge.status)}，不能再添加附件")
    stored = storage.save(session, data=data, filename=filename, by_id=by.id)
    session.add(ChallengeAttachment(challenge_id=challenge.id, file_id=stored.id))
    session.flush()
    return stored


def attachments(session: Session, challenge: Challenge) -> list[StoredFile]:
    return attachments_of(session, [challenge.id]).get(challenge.id, [])


def attachments_of(session: Session, challenge_ids: list[int]) -> dict[int, list[StoredFile]]:
    """Each challenge's attached files in one query (a listing page must not ask once per row)."""
    out: dict[int, list[StoredFile]] = {}
    if not challenge_ids:
        return out
    rows = session.exec(select(ChallengeAttachment.challenge_id, StoredFile)
                        .join(ChallengeAttachment, ChallengeAttachment.file_id == StoredFile.id)
                        .where(col(ChallengeAttachment.challenge_id).in_(challenge_ids))
                        .order_by(StoredFile.id)).all()
    for challenge_id, stored in rows:
        out.setdefault(challenge_id, []).append(stored)
    return out


def attachment(session: Session, challenge: Challenge, file_id: int) -> StoredFile | None:
    link = session.get(ChallengeAttachment, (challenge.id, file_id))
    return session.get(StoredFile, file_id) if link else None


# ---------------------------------------------------------------- reading

def public_view(session: Session, challenge: Challenge, user: User | None, *,
                files: dict[int, list[StoredFile]] | None = None) -> ChallengePublic:
    """The challenge as this user may see it, with the status as of today.
    `files`: attachments already read for a whole page (attachments_of)."""
    status = lifecycle.status_on(session, challenge, today())
    allowed = details_allowed(session, challenge, user)
    company = session.get(Organisation, challenge.company_id)
    view = ChallengePublic(
        **challenge.model_dump(exclude={"status", "description", "kpis", "budget"}), status=status,
        status_label=lifecycle.label(status), company=company.name if company else None, details_visible=allowed,
    )
    if allowed:
        view.description, view.kpis, view.budget = challenge.description, challenge.kpis, challenge.budget
        attached = files.get(challenge.id, []) if files is not None else attachments(session, challenge)
        view.attachments = [{"id": f.id, "filename": f.filename, "size": f.size, "content_type": f.content_type}
                            for f in attached]
    return view


def list_challenges(session: Session, *, user: User | None, q: str = "", status: str = "", kind: str = "",
                    field: str = "", region: str = "", page: int = 1) -> ChallengePage:
    """Published challenges (drafts only for their firm, via their own pages), newest first."""
    result = search.search_challenges(session, search.HallQuery(q=q, status=status, kind=kind, field=field,
                                                                region=region, page=page), viewer=user)
    company_ids = sorted({c.company_id for c in result.items})
    # one query; holding the rows keeps them in the session's (weak) identity map, so get() finds them
    companies = session.exec(select(Organisation).where(col(Organisation.id).in_(company_ids))).all()
    files = attachments_of(session, [c.id for c in result.items])
    items = [public_view(session, challenge, user, files=files) for challenge in result.items]
    del companies
    return ChallengePage(items=items, total=result.total, page=result.page, pages=result.pages)


def find_challenge(session: Session, ref: str | int) -> Challenge | None:
    """A challenge by database id (what our own links carry) or external id."""
    return find_by_ref(session, Challenge, ref, id_first=True)


def get_challenge(session: Session, ref: str | int) -> Challenge:
    return find_by_ref(session, Challenge, ref, not_found_message=f"榜单“{ref}”不存在", id_first=True)
