"""A center's year built through the marketplace services: the figures equal the hand count."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from centers.indicators.engine import compute_indicators
from core.clock import today
from marketplace.challenges import bids
from marketplace.challenges import service as challenges
from marketplace.challenges.schemas import BidCreate, ChallengeCreate
from marketplace.consultations import service as consultations
from marketplace.execution import service as execution
from tests.centers.factories import join_pool
from tests.factories import make_center, make_org, make_user


def test_publish_bid_award_deliver_accept_and_answer(session):
    year = today().year
    center = make_center(session)
    center.external_id = "CT-SCN"
    engineer = join_pool(session, center, region="株洲市", name="周工")
    engineer_user = make_user(session, role="engineer", engineer=engineer)
    firm = make_org(session, region="长沙市")
    firm_user = make_user(session, role="sme", organisation=firm)

    challenge = challenges.create_challenge(session, by=firm_user, data=ChallengeCreate(
        title="盾构机主轴承密封寿命提升", description="主轴承密封在高压泥水环境下寿命不足，需要提升至3000小时。",
        center="CT-SCN", budget=Decimal("400000"), deadline=today() + timedelta(days=20)))
    bid = bids.submit_bid(session, challenge=challenge, by=engineer_user,
                          data=BidCreate(proposal="采用多级唇形密封与在线监测", price=Decimal("380000")))
    collaboration = bids.award(session, challenge=challenge, bid=bid, by=firm_user, contract_kind="技术开发",
                               service_type="技术改造")
    execution.deliver(session, collaboration=collaboration, challenge=challenge, by=engineer_user, note="试验报告已上传")
    execution.accept_delivery(session, collaboration=collaboration, challenge=challenge, by=firm_user)

    question = consultations.ask(session, by=firm_user, data=consultations.ConsultationCreate(
        title="液压油温过高", description="夏季液压系统油温超过85度，如何排查？", fields=["工程机械"]))
    consultations.answer(session, consultation=question, by=engineer_user,
                         data=consultations.AnswerCreate(body="先检查冷却器散热和溢流阀设定压力。"))

    result = compute_indicators(session, center=center, year=year)
    platform = next(line for line in result["lines"] if line["id"] == "2.3")
    assert {k: platform["figures"][k] for k in ("challenges_published", "challenges_bid_on", "challenges_awarded",
                                                  "challenges_completed", "consultations_answered",
                                                  "cross_org_pairings", "cross_region_pairings", "active_engineers")} == {
        "challenges_published": 1, "challenges_bid_on": 1, "challenges_awarded": 1, "challenges_completed": 1,
        "consultations_answered": 1, "cross_org_pairings": 1, "cross_region_pairings": 1, "active_engineers": 1}
    evidence = {(item["figure"], item["id"]) for item in platform["evidence"]}
    assert ("challenges_completed", challenge.id) in evidence and ("consultations_answered", question.id) in evidence
    innovation = next(line for line in result["lines"] if line["id"] == "4.2")["figures"]
    assert innovation["services_total"] == 1 and innovation["services_by_type"]["技术改造"] == 1
    assert innovation["contracts_by_kind"]["技术开发"] == 1 and innovation["contract_amount"] == 380000.0
    assert innovation["firms_served"] == 1
