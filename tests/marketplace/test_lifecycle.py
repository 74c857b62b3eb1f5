"""The challenge lifecycle: legal and illegal transitions, deadlines on read, the sweep."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from core.clock import today
from core.errors import Conflict
from core.eventlog import Event
from marketplace.challenges import bids, lifecycle
from marketplace.challenges import service as challenges
from marketplace.challenges.schemas import ChallengeCreate
from marketplace.flows import sweep
from tests.factories import make_challenge, make_org, make_user
from tests.marketplace.core_helpers import bid, kinds, market


class TestTransitionTable:
    @pytest.mark.parametrize("current,target", [
        ("draft", "open"), ("open", "bidding_closed"), ("open", "awarded"), ("bidding_closed", "awarded"),
        ("awarded", "in_progress"), ("in_progress", "delivered"), ("delivered", "accepted"),
        ("delivered", "in_progress"), ("accepted", "closed"), ("draft", "cancelled"), ("open", "cancelled"),
        ("bidding_closed", "cancelled"), ("open", "expired"),
    ])
    def test_legal(self, current, target):
        assert lifecycle.can_move(current, target)
        lifecycle.check_move(current, target)

    @pytest.mark.parametrize("current,target", [
        ("draft", "awarded"), ("open", "delivered"), ("awarded", "cancelled"), ("in_progress", "cancelled"),
        ("delivered", "closed"), ("closed", "open"), ("cancelled", "open"), ("accepted", "in_progress"),
        ("in_progress", "expired"),
    ])
    def test_illegal_is_a_conflict_with_a_chinese_reason(self, current, target):
        assert not lifecycle.can_move(current, target)
        with pytest.raises(Conflict) as err:
            lifecycle.check_move(current, target)
        assert "榜" in err.value.message


class TestCreateAndPublish:
    def test_firm_posts_open_by_default_and_events_are_written(self, session):
        firm = make_user(session, role="sme")
        challenge = challenges.create_challenge(session, data=ChallengeCreate(
            title="数控机床热变形补偿", description="主轴热伸长导致加工精度超差", budget=200000,
            deadline=today() + timedelta(days=10)), by=firm)
        assert challenge.status == "open" and challenge.published_at is not None
        assert challenge.company_id == firm.organisation_id
        assert kinds(session, challenge.id) == ["challenge.created", "challenge.published"]

    def test_draft_then_publish(self, session):
        firm = make_user(session, role="sme")
        challenge = challenges.create_challenge(session, data=ChallengeCreate(
            title="焊接机器人路径规划", description="薄板焊接变形控制", status="draft"), by=firm)
        assert challenge.status == "draft"
        challenges.publish(session, challenge=challenge, by=firm)
        assert challenge.status == "open"
        with pytest.raises(Conflict):
            challenges.publish(session, challenge=challenge, by=firm)

    def test_cancel_rejects_live_bids_with_reason(self, session):
        m = market(session)
        b = bid(session, m, 0)
        challenges.cancel(session, challenge=m.challenge, by=m.firm, reason="需求调整")
        session.refresh(b)
        assert m.challenge.status == "cancelled"
        assert b.status == "rejected" and "需求调整" in b.reason

    def test_no_cancel_after_award(self, session):
        m = market(session)
        b = bid(session, m, 0)
        bids.award(session, challenge=m.challenge, bid=b, by=m.firm)
        with pytest.raises(Conflict):
            challenges.cancel(session, challenge=m.challenge, by=m.firm)


class TestDeadlineOnRead:
    def test_open_past_deadline_without_bids_reads_expired(self, session):
        challenge = make_challenge(session, deadline=today() - timedelta(days=1))
        assert challenge.status == "open"
        assert lifecycle.status_on(session, challenge, today()) == "expired"
        assert lifecycle.effective_status(challenge, today() - timedelta(days=2), has_bids=False) == "open"

    def test_open_past_deadline_with_bids_reads_bidding_closed(self, session):
        m = market(session)
        bid(session, m, 0)
        later = m.challenge.deadline + timedelta(days=1)
        assert lifecycle.status_on(session, m.challenge, later) == "bidding_closed"
        assert lifecycle.status_on(session, m.challenge, m.challenge.deadline) == "open"

    def test_public_view_shows_the_effective_status(self, session):
        challenge = make_challenge(session, deadline=today() - timedelta(days=3))
        view = challenges.public_view(session, challenge, None)
        assert view.status == "expired" and view.status_label == "已过期"


class TestSweep:
    def test_sweep_persists_and_records_once(self, session):
        org = make_org(session)
        stale = make_challenge(session, company=org, deadline=today() - timedelta(days=1))
        fresh = make_challenge(session, company=org, deadline=today() + timedelta(days=1))
        m = market(session)
        bid(session, m, 0)
        assert fresh.deadline < m.challenge.deadline + timedelta(days=1)
        counts = sweep(session, on=m.challenge.deadline + timedelta(days=1))
        assert counts["expired"] >= 2 and counts["bidding_closed"] >= 1
        session.refresh(stale)
        assert stale.status == "expired" and m.challenge.status == "bidding_closed"
        session.refresh(fresh)
        assert fresh.status == "expired"  # its deadline (tomorrow) is also before the sweep day
        expired_events = session.exec(select(Event).where(Event.challenge_id == stale.id,
                                                          Event.kind == "challenge.expired")).all()
        assert len(expired_events) == 1 and expired_events[0].data["auto"] is True
        assert expired_events[0].organisation_id == org.id
        sweep(session, on=m.challenge.deadline + timedelta(days=1))
        assert len(session.exec(select(Event).where(Event.challenge_id == stale.id,
                                                    Event.kind == "challenge.expired")).all()) == 1
