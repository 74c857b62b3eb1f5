"""The append-only collaboration log (协作日志): its table, its vocabulary, and the one way to append.

Every domain writes here; nothing updates or deletes an event (database triggers refuse it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, Session, SQLModel

from core.clock import now

APPENDED = "appended_events"  # session.info key: the events recorded in this session that no flow took yet

# The vocabulary of the log: every kind the product writes, with its Chinese label.
EVENT_KINDS: dict[str, str] = {
    "challenge.created": "创建榜单",
    "challenge.published": "发布榜单",
    "challenge.updated": "修改榜单",
    "challenge.bidding_closed": "揭榜截止",
    "challenge.awarded": "定榜",
    "challenge.cancelled": "撤榜",
    "challenge.expired": "榜单过期",
    "challenge.closed": "结项",
    "challenge.nda_accepted": "签署保密协议",
    "invitation.sent": "邀请揭榜",
    "bid.created": "提交揭榜申请",
    "bid.withdrawn": "撤回揭榜申请",
    "bid.rejected": "揭榜未中选",
    "bid.awarded": "揭榜中选",
    "collaboration.started": "启动攻关",
    "collaboration.delivered": "提交交付",
    "collaboration.accepted": "车间验收通过",
    "collaboration.rejected": "验收未通过",
    "collaboration.disputed": "提请中心调解",
    "collaboration.stopped": "停工",
    "collaboration.reassigned": "更换挂帅工程师",
    "collaboration.closed": "协作结束",
    "milestone.created": "设立里程碑",
    "milestone.submitted": "提交里程碑",
    "milestone.accepted": "里程碑验收",
    "milestone.rejected": "里程碑退回",
    "milestone.auto_accepted": "里程碑自动验收",
    "deliverable.uploaded": "上传交付物",
    "worklog.added": "登记工时",
    "rating.created": "市场评价",
    "payment.recorded": "登记付款",
    "share.recorded": "登记收益分配",
    "consultation.asked": "发起在线问诊",
    "consultation.routed": "问诊分派",
    "consultation.answered": "解答问诊",
    "consultation.best_answer": "采纳最佳答复",
    "consultation.escalated": "问诊转为揭榜",
    "pool.joined": "加入工程师库",
    "pool.left": "退出工程师库",
    "booking.created": "预约共享资源",
    "training.held": "举办培训活动",
    "project.recorded": "登记承担项目",
    "service.delivered": "提供专业技术服务",
    "bid.shortlisted": "入围赛马",
    "collaboration.resumed": "复工",
    "collaboration.dispute_resolved": "调解结束",
    "milestone.disputed": "里程碑提请调解",
    "collaboration.contract_set": "登记技术合同类别",
}


def record(
    session: Session,
    kind: str,
    *,
    actor_id: int | None = None,
    at: datetime | None = None,
    center_id: int | None = None,
    organisation_id: int | None = None,
    engineer_id: int | None = None,
    challenge_id: int | None = None,
    collaboration_id: int | None = None,
    subject: tuple[str, int] | None = None,
    data: dict[str, Any] | None = None,
) -> Event:
    """Append one event and flush it; `at` is for imports of history only."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    event = Event(
        kind=kind,
        at=at or now(),
        actor_id=actor_id,
        center_id=center_id,
        organisation_id=organisation_id,
        engineer_id=engineer_id,
        challenge_id=challenge_id,
        collaboration_id=collaboration_id,
        subject_kind=subject[0] if subject else None,
        subject_id=subject[1] if subject else None,
        data=data or {},
    )
    session.add(event)
    session.flush()
    session.info.setdefault(APPENDED, []).append(event)
    return event


def take_appended(session: Session) -> list[Event]:
    """The events recorded in this session since the last take, oldest first; the list starts over."""
    return session.info.pop(APPENDED, [])


class Event(SQLModel, table=True):
    """The append-only collaboration log (triggers refuse UPDATE and DELETE)."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=now, index=True)
    kind: str = Field(max_length=40, index=True)  # e.g. challenge.published, bid.created
    actor_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    center_id: int | None = Field(default=None, foreign_key="center.id", index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    engineer_id: int | None = Field(default=None, foreign_key="engineer.id", index=True)
    challenge_id: int | None = Field(default=None, foreign_key="challenge.id", index=True)
    collaboration_id: int | None = Field(default=None, foreign_key="collaboration.id", index=True)
    subject_kind: str | None = Field(default=None, max_length=30)
    subject_id: int | None = None
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
