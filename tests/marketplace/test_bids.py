"""Bids: capacity, one bid per engineer, withdraw, award (single, contest, split), losers' reasons."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from core.errors import Conflict, Forbidden, Invalid
from marketplace.challenges import bids
from marketplace.challenges.models import Bid
from marketplace.challenges.schemas import BidCreate, TeamMemberIn
from marketplace.execution.models import Collaboration, CollaborationMember
from talent.models import PoolMembership
from tests.factories import PASSWORD, make_center, make_engineer
from tests.marketplace.core_helpers import bid, kinds, market


class TestSubmit:
    def test_bid_with_team_is_recorded_with_event(self, session):
        m = market(session)
        helper = make_engineer(session, name="李工")
        b = bid(session, m, 0, team=[TeamMemberIn(engineer=helper.external_id, role="仿真")], schedule_days=90)
        assert b.status == "submitted" and b.price == Decimal("100000")
        assert kinds(session, m.challenge.id)[-1] == "bid.created"

    def test_one_bid_per_engineer(self, session):
        m = market(session)
        bid(session, m, 0)
        with pytest.raises(Conflict, match="已揭榜"):
            bid(session, m, 0)

    def test_firm_cannot_bid(self, session):
        m = market(session)
        with pytest.raises(Forbidden):
            bids.submit_bid(session, challenge=m.challenge, data=BidCreate(proposal="企业自己揭榜的方案"), by=m.firm)

    def test_unknown_team_member_is_invalid(self, session):
        m = market(session)
        with pytest.raises(Invalid) as err:
            bid(session, m, 0, team=[TeamMemberIn(engineer="E-NOPE")])
        assert err.value.field == "team.0.engineer"

    def test_split_needs_a_part(self, session):
        m = market(session, scheme="split")
        with pytest.raises(Invalid) as err:
            bid(session, m, 0)
        assert err.value.field == "part"


class TestCapacity:
    def test_engineer_at_capacity_is_refused_with_clear_message(self, session):
        m1 = market(session, capacity=1)
        bid(session, m1, 0)
        m2 = market(session, n=0)
        m2.engineers, m2.users = m1.engineers, m1.users
        with pytest.raises(Conflict) as err:
            bid(session, m2, 0)
        assert "上限（1 项）" in err.value.message

    def test_withdrawing_frees_capacity(self, session):
        m1 = market(session, capacity=1)
        first = bid(session, m1, 0)
        bids.withdraw_bid(session, bid=first, challenge=m1.challenge, by=m1.users[0])
        m2 = market(session, n=0)
        m2.engineers, m2.users = m1.engineers, m1.users
        assert bid(session, m2, 0).status == "submitted"
        assert bids.engineer_load(session, m1.engineers[0].id)["total"] == 1


class TestWithdraw:
    def test_withdraw_before_award_only(self, session):
        m = market(session)
        b0, b1 = bid(session, m, 0), bid(session, m, 1)
        bids.withdraw_bid(session, bid=b1, challenge=m.challenge, by=m.users[1])
        assert b1.status == "withdrawn"
        bids.award(session, challenge=m.challenge, bid=b0, by=m.firm)
        with pytest.raises(Conflict):
            bids.withdraw_bid(session, bid=b0, challenge=m.challenge, by=m.users[0])

    def test_only_own_bid(self, session):
        m = market(session)
        b0 = bid(session, m, 0)
        with pytest.raises(Forbidden):
            bids.withdraw_bid(session, bid=b0, challenge=m.challenge, by=m.users[1])


class TestAward:
    def test_single_award_creates_collaboration_and_losers_get_reasons(self, session):
        m = market(session)
        pool_center = make_center(session)
        session.add(PoolMembership(center_id=pool_center.id, engineer_id=m.engineers[0].id, status="active"))
        helper = make_engineer(session, name="王工")
        b0 = bid(session, m, 0, price="250000", team=[TeamMemberIn(engineer=str(helper.id))])
        b1, b2 = bid(session, m, 1), bid(session, m, 2)
        collab = bids.award(session, challenge=m.challenge, bid=b0, by=m.firm, reason="报价偏高或周期较长",
                            contract_kind="技术服务", service_type="技术改造")
        assert m.challenge.status == "awarded"
        assert collab.lead_engineer_id == m.engineers[0].id and collab.amount == Decimal("250000")
        assert collab.center_id == pool_center.id  # the lead's pool center, not the hosting one
        assert (collab.contract_kind, collab.service_type) == ("技术服务", "技术改造")
        roles = {r.engineer_id: r.role for r in session.exec(select(CollaborationMember).where(
            CollaborationMember.collaboration_id == collab.id)).all()}
        assert roles == {m.engineers[0].id: "lead", helper.id: "member"}
        for loser in (b1, b2):
            session.refresh(loser)
            assert loser.status == "rejected" and loser.reason == "报价偏高或周期较长"
        assert kinds(session, m.challenge.id)[-3:] == ["challenge.awarded", "bid.rejected", "bid.rejected"]

    def test_default_reason_and_center_fallback(self, session):
        m = market(session)
        b0, b1 = bid(session, m, 0), bid(session, m, 1)
        collab = bids.award(session, challenge=m.challenge, bid=b0, by=m.firm)
        session.refresh(b1)
        assert b1.reason == bids.DEFAULT_LOSS_REASON
        assert collab.center_id == m.challenge.center_id

    def test_second_award_is_a_conflict(self, session):
        m = market(session)
        b0, b1 = bid(session, m, 0), bid(session, m, 1)
        bids.award(session, challenge=m.challenge, bid=b0, by=m.firm)
        with pytest.raises(Conflict):
            bids.award(session, challenge=m.challenge, bid=b0, by=m.firm)
        with pytest.raises(Conflict):
            bids.award(session, challenge=m.challenge, bid=b1, by=m.firm)

    def test_only_the_firm_awards(self, session):
        m = market(session)
        b0 = bid(session, m, 0)
        with pytest.raises(Forbidden):
            bids.award(session, challenge=m.challenge, bid=b0, by=m.users[1])

    def test_contest_two_finalists_then_one_wins_other_gets_feedback(self, session):
        m = market(session, scheme="contest")
        b0, b1, b2 = bid(session, m, 0), bid(session, m, 1), bid(session, m, 2)
        bids.shortlist(session, challenge=m.challenge, bids=[b0, b1], by=m.firm)
        with pytest.raises(Conflict, match="入围"):
            bids.award(session, challenge=m.challenge, bid=b2, by=m.firm)
        bids.award(session, challenge=m.challenge, bid=b1, by=m.firm, reason="样机测试泄漏量高于对手方案")
        statuses = {b.id: (b.status, b.reason) for b in session.exec(select(Bid).where(
            Bid.challenge_id == m.challenge.id)).all()}
        assert statuses[b1.id][0] == "awarded"
        assert statuses[b0.id] == ("rejected", "样机测试泄漏量高于对手方案")
        assert statuses[b2.id][0] == "rejected"
        assert kinds(session, m.challenge.id).count("bid.shortlisted") == 2

    def test_split_awards_several_with_shares(self, session):
        m = market(session, scheme="split")
        b0 = bid(session, m, 0, part="液压仿真")
        b1 = bid(session, m, 1, part="样机试制")
        collab = bids.award_split(session, challenge=m.challenge, parts=[(b0, Decimal("60")), (b1, Decimal("40"))],
                                  by=m.firm)
        shares = {r.engineer_id: (r.role, r.share_pct) for r in session.exec(select(CollaborationMember).where(
            CollaborationMember.collaboration_id == collab.id)).all()}
        assert shares == {m.engineers[0].id: ("lead", Decimal("60.00")), m.engineers[1].id: ("member", Decimal("40.00"))}
        assert collab.amount == Decimal("200000")

    def test_split_shares_over_100_refused(self, session):
        m = market(session, scheme="split")
        b0, b1 = bid(session, m, 0, part="甲"), bid(session, m, 1, part="乙")
        with pytest.raises(Invalid):
            bids.award_split(session, challenge=m.challenge, parts=[(b0, Decimal("70")), (b1, Decimal("40"))], by=m.firm)


class TestSplitOnlyForSplitSchemes:
    @pytest.mark.parametrize("scheme", ["single", "contest"])
    def test_two_parts_on_a_non_split_challenge_are_refused(self, client, session, scheme):
        m = market(session, scheme=scheme)
        b0, b1 = bid(session, m, 0), bid(session, m, 1)
        token = client.post("/api/v1/auth/token", data={"username": m.firm.username, "password": PASSWORD})
        response = client.post(f"/api/v1/challenges/{m.challenge.id}/award",
                               headers={"Authorization": f"Bearer {token.json()['access_token']}"},
                               json={"parts": [{"bid_id": b0.id, "share_pct": 50}, {"bid_id": b1.id, "share_pct": 50}]})
        assert response.status_code == 409 and "只能选定一份" in response.json()["detail"]
        session.refresh(m.challenge)
        assert m.challenge.status == "open"
        assert {session.get(Bid, b.id).status for b in (b0, b1)} == {"submitted"}
        assert session.exec(select(Collaboration).where(Collaboration.challenge_id == m.challenge.id)).all() == []
        assert "challenge.awarded" not in kinds(session, m.challenge.id)
