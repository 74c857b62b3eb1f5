"""Money and credit: payments per milestone, share agreements, the 技术合同 class."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session, func, select

from accounts import policy
from accounts.models import Organisation, User
from core import eventlog as events
from core.errors import Forbidden, Invalid
from marketplace.challenges import lifecycle
from marketplace.challenges.models import Challenge
from marketplace.execution.models import (
    Collaboration,
    ContractKind,
    Milestone,
    Payment,
    ServiceType,
    ShareAgreement,
)
from marketplace.execution.schemas import PaymentCreate, ShareAgreementIn
from talent.models import Center, Engineer


def set_contract(session: Session, *, collaboration: Collaboration, challenge: Challenge, by: User,
                 contract_kind: str | None = None, service_type: str | None = None) -> Collaboration:
    """Class the collaboration as one of the four 技术合同 kinds and one service type."""
    if not policy.can_record_shares(by, collaboration, challenge):
        raise Forbidden("只有发榜企业或所属中心可以登记合同类别")
    if contract_kind is not None:
        collaboration.contract_kind = ContractKind(contract_kind).value
    if service_type is not None:
        collaboration.service_type = ServiceType(service_type).value
    session.add(collaboration)
    events.record(session, "collaboration.contract_set", actor_id=by.id, subject=("collaboration", collaboration.id),
                  data={"contract_kind": collaboration.contract_kind, "service_type": collaboration.service_type},
                  **lifecycle.event_scope(challenge, collaboration))
    return collaboration


def record_payment(session: Session, *, collaboration: Collaboration, challenge: Challenge, data: PaymentCreate,
                   by: User) -> Payment:
    if not policy.can_record_payment(by, challenge):
        raise Forbidden("只有发榜企业可以登记付款")
    if data.milestone_id is not None:
        milestone = session.get(Milestone, data.milestone_id)
        if milestone is None or milestone.collaboration_id != collaboration.id:
            raise Invalid("里程碑不属于该协作", field="milestone_id")
    paid = session.exec(select(func.coalesce(func.sum(Payment.amount), 0))
                        .where(Payment.collaboration_id == collaboration.id)).one()
    if collaboration.amount is not None and Decimal(paid) + data.amount > collaboration.amount:
        raise Invalid(f"累计付款将超过合同金额 ¥{collaboration.amount:,.2f}（已付 ¥{Decimal(paid):,.2f}）", field="amount")
    payment = Payment(collaboration_id=collaboration.id, **data.model_dump())
    session.add(payment)
    session.flush()
    events.record(session, "payment.recorded", actor_id=by.id, subject=("payment", payment.id),
                  data={"amount": str(payment.amount), "milestone_id": payment.milestone_id},
                  **lifecycle.event_scope(challenge, collaboration))
    return payment


def payments(session: Session, collaboration: Collaboration) -> list[Payment]:
    return list(session.exec(select(Payment).where(Payment.collaboration_id == collaboration.id)
                             .order_by(Payment.paid_on, Payment.id)).all())


PARTY_LABELS = {"engineer": "工程师", "employer": "工作单位", "firm": "企业", "center": "中心"}


def _check_party(session: Session, index: int, line) -> None:
    field = f"lines.{index}"
    needed = {"engineer": ("engineer_id", Engineer), "employer": ("organisation_id", Organisation),
              "firm": ("organisation_id", Organisation), "center": ("center_id", Center)}[line.party_kind]
    ref = getattr(line, needed[0])
    if ref is None or session.get(needed[1], ref) is None:
        raise Invalid(f"第 {index + 1} 行：请指定存在的{PARTY_LABELS[line.party_kind]}", field=f"{field}.{needed[0]}")


def record_shares(session: Session, *, collaboration: Collaboration, challenge: Challenge, data: ShareAgreementIn,
                  by: User) -> list[ShareAgreement]:
    """项目奖励 / 知识产权入股分成 between engineers, their employers, the center and the firm (≤ 100%)."""
    if not policy.can_record_shares(by, collaboration, challenge):
        raise Forbidden("只有发榜企业或所属中心可以登记收益分配")
    existing = session.exec(select(func.coalesce(func.sum(ShareAgreement.percent), 0)).where(
        ShareAgreement.collaboration_id == collaboration.id, ShareAgreement.kind == data.kind)).one()
    total = Decimal(existing) + sum((line.percent for line in data.lines), Decimal(0))
    if total > 100:
        raise Invalid(f"“{data.kind}”各方比例合计 {total}% 超过 100%（已登记 {Decimal(existing)}%）", field="lines")
    rows = []
    for index, line in enumerate(data.lines):
        _check_party(session, index, line)
        amount = (data.total_amount * line.percent / 100).quantize(Decimal("0.01")) if data.total_amount else None
        row = ShareAgreement(collaboration_id=collaboration.id, kind=data.kind, amount=amount,
                             **line.model_dump())
        session.add(row)
        rows.append(row)
    session.flush()
    events.record(session, "share.recorded", actor_id=by.id, subject=("collaboration", collaboration.id),
                  data={"kind": data.kind, "lines": [{"party": r.party_kind, "percent": str(r.percent)} for r in rows]},
                  **lifecycle.event_scope(challenge, collaboration))
    return rows


def shares(session: Session, collaboration: Collaboration) -> list[ShareAgreement]:
    return list(session.exec(select(ShareAgreement).where(ShareAgreement.collaboration_id == collaboration.id)
                             .order_by(ShareAgreement.id)).all())
