"""Execution: milestones with acceptance and auto-accept, work logs, uploads, delivery,
disputes, stop-work and reassignment, ratings, reputation and money."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from core.clock import now
from core.errors import Conflict, Forbidden, Invalid
from core.eventlog import Event
from core.settings import get_settings
from marketplace.challenges import bids
from marketplace.execution import money, oversight, reputation
from marketplace.execution import service as execution
from marketplace.execution.models import Collaboration, Milestone, Rating
from marketplace.execution.schemas import (
    MilestoneCreate,
    PaymentCreate,
    RatingIn,
    ShareAgreementIn,
    WorkLogCreate,
)
from marketplace.files import service as storage
from marketplace.flows import sweep
from talent.models import Center
from tests.factories import make_engineer, make_user
from tests.marketplace.core_helpers import Market, bid, kinds, market

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"


def awarded(session) -> tuple[Market, Collaboration]:
    m = market(session)
    b0 = bid(session, m, 0)
    bid(session, m, 1)
    return m, bids.award(session, challenge=m.challenge, bid=b0, by=m.firm)


def milestone(session, m: Market, collab: Collaboration, title="液压仿真报告", amount="50000") -> Milestone:
    return execution.add_milestone(session, collaboration=collab, challenge=m.challenge, by=m.firm,
                                   data=MilestoneCreate(title=title, amount=Decimal(amount),
                                                        due_date=date.today() + timedelta(days=30)))


class TestMilestones:
    def test_submit_accept(self, session):
        m, collab = awarded(session)
        ms = milestone(session, m, collab)
        assert m.challenge.status == "in_progress"  # the first milestone starts the work
        execution.submit_milestone(session, milestone=ms, collaboration=collab, challenge=m.challenge, by=m.users[0])
        assert ms.auto_accept_at is not None
        execution.accept_milestone(session, milestone=ms, collaboration=collab, challenge=m.challenge, by=m.firm)
        assert ms.status == "accepted"
        assert kinds(session, m.challenge.id)[-4:] == ["collaboration.started", "milestone.created",
                                                       "milestone.submitted", "milestone.accepted"]

    def test_reject_with_reason_then_resubmit(self, session):
        m, collab = awarded(session)
        ms = milestone(session, m, collab)
        execution.submit_milestone(session, milestone=ms, collaboration=collab, challenge=m.challenge, by=m.users[0])
        execution.reject_milestone(session, milestone=ms, collaboration=collab, challenge=m.challenge, by=m.firm,
                                   reason="仿真边界条件与实际工况不符")
        assert ms.status == "rejected" and ms.reject_reason == "仿真边界条件与实际工况不符"
        execution.submit_milestone(session, milestone=ms, collaboration=collab, challenge=m.challenge, by=m.users[0])
        assert ms.status == "submitted"

    def test_only_lead_submits_only_firm_accepts(self, session):
        m, collab = awarded(session)
        ms = milestone(session, m, collab)
        with pytest.raises(Forbidden):
            execution.submit_milestone(session, milestone=ms, collaboration=collab, challenge=m.challenge,
                                       by=m.users[1])
        execution.submit_milestone(session, milestone=ms, collaboration=collab, challenge=m.challenge, by=m.users[0])
        with pytest.raises(Forbidden):
            execution.accept_milestone(session, milestone=ms, collaboration=collab, challenge=m.challenge,
                                       by=m.users[0])

    def test_auto_accept_on_read_and_by_sweep(self, session):
        m, collab = awarded(session)
        ms = milestone(session, m, collab)
        execution.submit_milestone(session, milestone=ms, collaboration=collab, challenge=m.challenge, by=m.users[0])
        days = get_settings().auto_accept_days
        assert execution.milestone_status(ms, now() + timedelta(days=days - 1)) == "submitted"
        assert execution.milestone_status(ms, now() + timedelta(days=days, seconds=1)) == "accepted"
        ms.auto_accept_at = now() - timedelta(seconds=1)
        session.add(ms)
        session.flush()
        with pytest.raises(Conflict, match="自动验收"):
            execution.reject_milestone(session, milestone=ms, collaboration=collab, challenge=m.challenge,
                                       by=m.firm, reason="太晚了")
        assert sweep(session)["milestones_auto_accepted"] >= 1
        session.refresh(ms)
        assert ms.status == "accepted"
        event = session.exec(select(Event).where(Event.subject_kind == "milestone", Event.subject_id == ms.id,
                                                 Event.kind == "milestone.auto_accepted")).one()
        assert event.actor_id is None and event.collaboration_id == collab.id


class TestWorkAndFiles:
    def test_worklog_by_team_only(self, session):
        m, collab = awarded(session)
        log = execution.add_worklog(session, collaboration=collab, challenge=m.challenge, by=m.users[0],
                                    data=WorkLogCreate(day=date.today(), hours=Decimal("6.5"), note="台架试验"))
        assert log.hours == Decimal("6.5")
        with pytest.raises(Forbidden):
            execution.add_worklog(session, collaboration=collab, challenge=m.challenge, by=m.users[1],
                                  data=WorkLogCreate(day=date.today(), hours=Decimal("1")))

    def test_upload_limits(self, session, monkeypatch):
        m, collab = awarded(session)
        with pytest.raises(Invalid, match="可执行"):
            execution.upload_deliverable(session, collaboration=collab, challenge=m.challenge, by=m.users[0],
                                         data=b"MZ\x90\x00" + b"\x00" * 100, filename="report.pdf")
        with pytest.raises(Invalid, match="无法识别"):
            execution.upload_deliverable(session, collaboration=collab, challenge=m.challenge, by=m.users[0],
                                         data=bytes(range(256)) * 4, filename="data.bin")
        monkeypatch.setattr(get_settings(), "upload_max_bytes", 1024)
        with pytest.raises(Invalid, match="文件过大"):
            execution.upload_deliverable(session, collaboration=collab, challenge=m.challenge, by=m.users[0],
                                         data=PDF + b"0" * 2000, filename="big.pdf")
        monkeypatch.setattr(get_settings(), "upload_max_bytes", 10 * 1024)
        monkeypatch.setattr(get_settings(), "upload_quota_bytes", 100)
        with pytest.raises(Invalid, match="存储空间已满"):
            execution.upload_deliverable(session, collaboration=collab, challenge=m.challenge, by=m.users[0],
                                         data=PDF * 5, filename="a.pdf")

    def test_upload_is_typed_by_content_and_named_safely(self, session):
        m, collab = awarded(session)
        deliverable = execution.upload_deliverable(session, collaboration=collab, challenge=m.challenge,
                                                   by=m.users[0], data=PDF, filename="../../etc/报告 v1.pdf")
        (_d, stored), = execution.deliverables(session, collab)
        assert stored.content_type == "application/pdf" and stored.filename == "报告 v1.pdf"
        assert storage.read(stored) == PDF and deliverable.file_id == stored.id
        page = execution.upload_deliverable(session, collaboration=collab, challenge=m.challenge, by=m.users[0],
                                            data=b"<html><script>alert(1)</script></html>", filename="x.html")
        assert session.get(type(stored), page.file_id).content_type == "text/plain"


class TestDeliveryAndAcceptance:
    def test_deliver_reject_redeliver_accept_rate(self, session):
        m, collab = awarded(session)
        with pytest.raises(Conflict):
            execution.accept_delivery(session, collaboration=collab, challenge=m.challenge, by=m.firm)
        execution.deliver(session, collaboration=collab, challenge=m.challenge, by=m.users[0], note="第一版")
        assert (collab.status, m.challenge.status) == ("delivered", "delivered")
        execution.reject_delivery(session, collaboration=collab, challenge=m.challenge, by=m.firm,
                                  reason="内泄量 8 mL/min，未达指标")
        assert (collab.status, m.challenge.status) == ("in_progress", "in_progress")
        assert m.challenge.status_reason == "内泄量 8 mL/min，未达指标"
        execution.deliver(session, collaboration=collab, challenge=m.challenge, by=m.users[0])
        execution.accept_delivery(session, collaboration=collab, challenge=m.challenge, by=m.firm)
        assert collab.accepted_at is not None and m.challenge.status == "accepted"
        reputation.rate(session, collaboration=collab, challenge=m.challenge, by=m.firm,
                        data=RatingIn(rating=5, quality=5, timeliness=4, communication=5, comment="指标全部达成"))
        reputation.rate(session, collaboration=collab, challenge=m.challenge, by=m.users[0],
                        data=RatingIn(overall=4, comment="企业配合积极"))
        with pytest.raises(Conflict):
            reputation.rate(session, collaboration=collab, challenge=m.challenge, by=m.firm, data=RatingIn(rating=3))
        assert kinds(session, m.challenge.id) == [
            "bid.created", "bid.created", "challenge.awarded", "bid.rejected", "collaboration.started",
            "collaboration.delivered", "collaboration.rejected", "collaboration.delivered", "collaboration.accepted",
            "rating.created", "rating.created",
        ]
        rep = reputation.engineer_reputation(session, engineer=m.engineers[0])
        assert rep["count"] == 1 and rep["overall"] == 5 and rep["accepted_deliveries"] == 1
        assert rep["trend"] is None and "不足" in rep["trend_basis"]
        assert "1 条企业评价" in rep["basis"]

    def test_rating_before_acceptance_refused(self, session):
        m, collab = awarded(session)
        with pytest.raises(Conflict):
            reputation.rate(session, collaboration=collab, challenge=m.challenge, by=m.firm, data=RatingIn(rating=5))

    def test_reputation_trend_compares_last_six_months(self, session):
        m, collab = awarded(session)
        old = now() - timedelta(days=300)
        for score, at in [(2, old), (3, old), (5, now()), (5, now())]:
            session.add(Rating(collaboration_id=None, rater_id=m.firm.id, engineer_id=m.engineers[0].id,
                               overall=score, created_at=at))
        session.flush()
        rep = reputation.engineer_reputation(session, engineer=m.engineers[0])
        assert rep["trend"] == "上升" and rep["recent_count"] == 2 and rep["earlier_average"] == 2.5


class TestDisputeStopReassign:
    def test_dispute_resolved_by_center_operator(self, session):
        m, collab = awarded(session)
        oversight.raise_dispute(session, collaboration=collab, challenge=m.challenge, by=m.users[0],
                                reason="企业追加需求")
        assert collab.status == "disputed"
        with pytest.raises(Forbidden):
            oversight.resolve_dispute(session, collaboration=collab, challenge=m.challenge, by=m.firm,
                                      outcome="resume", note="")

        operator = make_user(session, role="center", center=session.get(Center, m.challenge.center_id))
        oversight.resolve_dispute(session, collaboration=collab, challenge=m.challenge, by=operator,
                                  outcome="resume", note="按原指标执行")
        assert collab.status == "in_progress"

    def test_stop_and_reassign_silent_lead(self, session):
        m, collab = awarded(session)
        oversight.stop_work(session, collaboration=collab, challenge=m.challenge, by=m.firm, reason="两周无回应")
        with pytest.raises(Conflict, match="停工"):
            execution.deliver(session, collaboration=collab, challenge=m.challenge, by=m.users[0])
        new_lead = make_engineer(session, name="赵工")
        new_user = make_user(session, role="engineer", engineer=new_lead)
        oversight.reassign_lead(session, collaboration=collab, challenge=m.challenge, engineer=new_lead, by=m.firm,
                                reason="原挂帅工程师失联")
        assert collab.lead_engineer_id == new_lead.id and collab.status == "in_progress"
        assert m.engineers[0].id not in execution.member_ids(session, collab)
        execution.deliver(session, collaboration=collab, challenge=m.challenge, by=new_user)
        assert kinds(session, m.challenge.id).count("collaboration.reassigned") == 1


class TestMoney:
    def test_payment_per_milestone_and_shares(self, session):
        m, collab = awarded(session)
        ms = milestone(session, m, collab)
        pay = money.record_payment(session, collaboration=collab, challenge=m.challenge, by=m.firm,
                                   data=PaymentCreate(amount=Decimal("50000"), paid_on=date.today(),
                                                      milestone_id=ms.id))
        assert pay.milestone_id == ms.id
        with pytest.raises(Invalid, match="超过合同金额"):
            money.record_payment(session, collaboration=collab, challenge=m.challenge, by=m.firm,
                                 data=PaymentCreate(amount=Decimal("60000"), paid_on=date.today()))
        rows = money.record_shares(session, collaboration=collab, challenge=m.challenge, by=m.firm,
                                   data=ShareAgreementIn(kind="项目奖励", total_amount=Decimal("100000"), lines=[
                                       {"party_kind": "engineer", "engineer_id": m.engineers[0].id, "percent": 60},
                                       {"party_kind": "center", "center_id": m.challenge.center_id, "percent": 10},
                                       {"party_kind": "firm", "organisation_id": m.challenge.company_id,
                                        "percent": 30}]))
        assert [r.amount for r in rows] == [Decimal("60000.00"), Decimal("10000.00"), Decimal("30000.00")]
        with pytest.raises(Invalid, match="超过 100%"):
            money.record_shares(session, collaboration=collab, challenge=m.challenge, by=m.firm,
                                data=ShareAgreementIn(lines=[{"party_kind": "engineer",
                                                              "engineer_id": m.engineers[0].id, "percent": 1}]))
        with pytest.raises(ValueError):
            ShareAgreementIn(lines=[{"party_kind": "engineer", "engineer_id": 1, "percent": 70},
                                    {"party_kind": "firm", "organisation_id": 1, "percent": 40}])
        with pytest.raises(Forbidden):
            money.record_payment(session, collaboration=collab, challenge=m.challenge, by=m.users[0],
                                 data=PaymentCreate(amount=Decimal("1"), paid_on=date.today()))
