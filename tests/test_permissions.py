"""Every mutating service asks the policy itself: called directly by an outsider, it refuses and writes nothing.

One row per service function. Each factory builds a state in which the rightful user's call would succeed
and returns the call (taking the acting user) and the roles that may legitimately act (left out of the outsiders).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from centers import bookings, recognition, records, scores
from centers import service as center_service
from centers.models import Application, Resource
from core.errors import Forbidden, NotFound
from marketplace.challenges import bids
from marketplace.challenges import service as challenges
from marketplace.challenges.schemas import ChallengeCreate, ChallengeUpdate
from marketplace.consultations import service as consult
from marketplace.consultations.schemas import AnswerCreate, ConsultationCreate
from marketplace.execution import flows as execution_flows
from marketplace.execution import money, oversight, reputation
from marketplace.execution import service as execution
from marketplace.execution.schemas import MilestoneCreate, PaymentCreate, RatingIn, ShareAgreementIn, WorkLogCreate
from marketplace.inbox import service as inbox
from talent import pool, roster
from talent.models import PoolMembership
from tests.centers.factories import answer, at, join_pool
from tests.factories import make_center, make_challenge, make_engineer, make_org, make_user
from tests.marketplace.core_helpers import bid, market

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"
Act = Callable[[object], object]
Row = Callable[[Session], tuple[Act, set[str]]]
ROWS: dict[str, Row] = {}


def row(name: str):
    def register(factory: Row) -> Row:
        ROWS[name] = factory
        return factory
    return register


def outsiders(session: Session, allowed: set[str]) -> list:
    """Another firm's user, an unrelated engineer, an operator of another center, an expert, a city bureau."""
    people = {"sme": make_user(session, role="sme"), "engineer": make_user(session, role="engineer",
                                                                           engineer=make_engineer(session)),
              "center": make_user(session, role="center", center=make_center(session, city="怀化市")),
              "expert": make_user(session, role="expert"), "city": make_user(session, role="city", region="怀化市")}
    return [user for role, user in people.items() if role not in allowed]


def row_counts(session: Session) -> dict[str, int]:
    return {t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in SQLModel.metadata.sorted_tables}


def awarded(session: Session, **kw):
    m = market(session, **kw)
    collab = bids.award(session, challenge=m.challenge, bid=bid(session, m, 0), by=m.firm)
    return m, collab, {"collaboration": collab, "challenge": m.challenge}


def pending_milestone(session: Session):
    m, collab, scope = awarded(session)
    ms = execution.add_milestone(session, **scope, by=m.firm, data=MilestoneCreate(
        title="仿真报告", amount=Decimal("50000"), due_date=date.today() + timedelta(days=30)))
    return m, {**scope, "milestone": ms}


def submitted_milestone(session: Session):
    m, scope = pending_milestone(session)
    execution.submit_milestone(session, **scope, by=m.users[0])
    return m, scope


def delivered(session: Session):
    m, collab, scope = awarded(session)
    execution.deliver(session, **scope, by=m.users[0])
    return m, scope


def consultation(session: Session, *, answered: bool = False):
    org = make_org(session)
    make_user(session, role="sme", organisation=org)
    asked = make_challenge(session, company=org, kind="consultation")
    engineer = make_engineer(session)
    reply = answer(session, asked, engineer, when=at(2026)) if answered else None
    return asked, engineer, reply


# ---------------------------------------------------------------- challenges and bids

@row("challenges.create_challenge")
def _(session):
    data = ChallengeCreate(title="液压阀泄漏", description="主阀内泄量超标，需要改进密封。")
    return lambda by: challenges.create_challenge(session, data=data, by=by), {"sme"}


@row("challenges.update_challenge")
def _(session):
    m = market(session)
    return lambda by: challenges.update_challenge(session, challenge=m.challenge, data=ChallengeUpdate(title="新标题"),
                                                  by=by), set()


@row("challenges.publish")
def _(session):
    m = market(session, status="draft")
    return lambda by: challenges.publish(session, challenge=m.challenge, by=by), set()


@row("challenges.cancel")
def _(session):
    m = market(session)
    bid(session, m, 0)
    return lambda by: challenges.cancel(session, challenge=m.challenge, by=by, reason="需求调整"), set()


@row("challenges.close")
def _(session):
    m = market(session, status="accepted")
    return lambda by: challenges.close(session, challenge=m.challenge, by=by), set()


@row("challenges.change_status")
def _(session):
    m = market(session)
    return lambda by: challenges.change_status(session, challenge=m.challenge, to="bidding_closed", by=by), set()


@row("challenges.accept_nda")
def _(session):
    m = market(session, visibility="invite")
    return lambda by: challenges.accept_nda(session, challenge=m.challenge, by=by), {"engineer"}


@row("challenges.attach_file")
def _(session):
    m = market(session)
    return lambda by: challenges.attach_file(session, challenge=m.challenge, data=PDF, filename="a.pdf", by=by), set()


@row("bids.submit_bid")
def _(session):
    m = market(session)
    data = bids.BidCreate(proposal="优化阀芯间隙并更换密封材料", price=Decimal("100000"))
    return lambda by: bids.submit_bid(session, challenge=m.challenge, data=data, by=by), {"engineer"}


@row("bids.withdraw_bid")
def _(session):
    m = market(session)
    b = bid(session, m, 0)
    return lambda by: bids.withdraw_bid(session, bid=b, challenge=m.challenge, by=by), set()


@row("bids.shortlist")
def _(session):
    m = market(session, scheme="contest")
    b = bid(session, m, 0)
    return lambda by: bids.shortlist(session, challenge=m.challenge, bids=[b], by=by), set()


@row("bids.reject_bid")
def _(session):
    m = market(session)
    b = bid(session, m, 0)
    return lambda by: bids.reject_bid(session, bid=b, challenge=m.challenge, by=by, reason="不合适"), set()


@row("bids.award")
def _(session):
    m = market(session)
    b = bid(session, m, 0)
    return lambda by: bids.award(session, challenge=m.challenge, bid=b, by=by), set()


@row("bids.award_split")
def _(session):
    m = market(session, scheme="split")
    b = bid(session, m, 0, part="液压部分")
    return lambda by: bids.award_split(session, challenge=m.challenge, parts=[(b, Decimal(100))], by=by), set()


# ---------------------------------------------------------------- consultations

@row("consultations.ask")
def _(session):
    data = ConsultationCreate(title="焊缝开裂", description="臂架焊缝反复开裂，原因不明。", skills=["焊接"])
    return lambda by: consult.ask(session, by=by, data=data), {"sme"}


@row("consultations.route")
def _(session):
    asked, _, _ = consultation(session)
    return lambda by: consult.route(session, consultation=asked, by=by), set()


@row("consultations.answer")
def _(session):
    asked, _, _ = consultation(session)
    return lambda by: consult.answer(session, consultation=asked, by=by, data=AnswerCreate(body="检查焊接工艺")), \
        {"engineer"}


@row("consultations.mark_best")
def _(session):
    asked, _, reply = consultation(session, answered=True)
    return lambda by: consult.mark_best(session, consultation=asked, answer_id=reply.id, by=by), set()


@row("consultations.rate")
def _(session):
    asked, engineer, _ = consultation(session, answered=True)
    return lambda by: consult.rate(session, consultation=asked, engineer_id=engineer.id, by=by,
                                   data=RatingIn(overall=5)), set()


@row("consultations.escalate")
def _(session):
    asked, _, _ = consultation(session, answered=True)
    return lambda by: consult.escalate(session, consultation=asked, by=by), set()


# ---------------------------------------------------------------- execution

def _step(name: str, build, call, allowed: frozenset = frozenset()):
    """A row whose factory returns (market, scope) and whose call takes (scope, by)."""
    @row(name)
    def _(session):
        m, scope = build(session)
        return lambda by: call(session, scope, by), set(allowed)


def _awarded(session):
    m, _, scope = awarded(session)
    return m, scope


def _disputed(session):
    m, scope = _awarded(session)
    oversight.raise_dispute(session, **scope, by=m.users[0], reason="企业追加需求")
    return m, scope


def _stopped(session):
    m, scope = _awarded(session)
    oversight.stop_work(session, **scope, by=m.firm, reason="两周无回应")
    return m, {**scope, "engineer": m.engineers[1]}


def _accepted(session):
    m, scope = delivered(session)
    execution.accept_delivery(session, **scope, by=m.firm)
    return m, scope


WEEK = date.today() + timedelta(days=7)
_step("execution.add_milestone", _awarded, lambda s, sc, by: execution.add_milestone(
    s, **sc, by=by, data=MilestoneCreate(title="报告", amount=Decimal("1000"), due_date=WEEK)))
_step("execution.submit_milestone", pending_milestone,
      lambda s, sc, by: execution.submit_milestone(s, **sc, by=by))
_step("execution.accept_milestone", submitted_milestone, lambda s, sc, by: execution.accept_milestone(s, **sc, by=by))
_step("execution.reject_milestone", submitted_milestone,
      lambda s, sc, by: execution.reject_milestone(s, **sc, by=by, reason="数据不全"))
_step("execution.add_worklog", _awarded, lambda s, sc, by: execution.add_worklog(
    s, **sc, by=by, data=WorkLogCreate(day=date.today(), hours=Decimal(2))))
_step("execution.upload_deliverable", _awarded, lambda s, sc, by: execution.upload_deliverable(
    s, **sc, by=by, data=PDF, filename="r.pdf"))
_step("execution.deliver", _awarded, lambda s, sc, by: execution.deliver(s, **sc, by=by))
_step("execution.accept_delivery", delivered, lambda s, sc, by: execution.accept_delivery(s, **sc, by=by))
_step("execution.reject_delivery", delivered,
      lambda s, sc, by: execution.reject_delivery(s, **sc, by=by, reason="指标未达到"))
_step("execution.accept_flow", delivered, lambda s, sc, by: execution_flows.accept_flow(
    s, **sc, by=by, rating=RatingIn(overall=5)))
_step("oversight.raise_dispute", _awarded, lambda s, sc, by: oversight.raise_dispute(s, **sc, by=by, reason="分歧"))
_step("oversight.resolve_dispute", _disputed, lambda s, sc, by: oversight.resolve_dispute(
    s, **sc, by=by, outcome="resume", note="按原指标执行"))
_step("oversight.stop_work", _awarded, lambda s, sc, by: oversight.stop_work(s, **sc, by=by, reason="无回应"))
_step("oversight.resume_work", _stopped, lambda s, sc, by: oversight.resume_work(
    s, collaboration=sc["collaboration"], challenge=sc["challenge"], by=by))
_step("oversight.reassign_lead", _stopped, lambda s, sc, by: oversight.reassign_lead(s, **sc, by=by, reason="失联"))
_step("money.set_contract", _awarded, lambda s, sc, by: money.set_contract(s, **sc, by=by, contract_kind="技术服务"))
_step("money.record_payment", _awarded, lambda s, sc, by: money.record_payment(
    s, **sc, by=by, data=PaymentCreate(amount=Decimal("1000"), paid_on=date.today())))
_step("money.record_shares", _awarded, lambda s, sc, by: money.record_shares(s, **sc, by=by, data=ShareAgreementIn(
    lines=[{"party_kind": "firm", "organisation_id": sc["challenge"].company_id, "percent": 100}])))
_step("reputation.rate", _accepted, lambda s, sc, by: reputation.rate(s, **sc, by=by, data=RatingIn(rating=4)))


@row("inbox.mark_read")
def _(session):
    owner = make_user(session, role="sme")
    item, = inbox.notify(session, user_ids=[owner.id], kind="bid.created", title="新的揭榜申请")
    return lambda by: inbox.mark_read(session, user=by, notification_id=item.id), set()


# ---------------------------------------------------------------- talent and centers

def _center_row(name: str, call, allowed: frozenset = frozenset()):
    """A row acting on a fresh center (in 长沙市) that has a pool member and a resource closed to the public."""
    @row(name)
    def _(session):
        center = make_center(session)
        engineer = join_pool(session, center, status="pending")
        membership = session.exec(select(PoolMembership).where(PoolMembership.engineer_id == engineer.id)).scalar_one()
        resource = Resource(center_id=center.id, name="疲劳试验机", open_to_public=False)
        session.add(resource)
        session.flush()
        scope = {"center": center, "membership": membership, "resource": resource, "newcomer": make_engineer(session)}
        return lambda by: call(session, scope, by), set(allowed)


_center_row("pool.add_member", lambda s, sc, by: pool.add_member(s, center=sc["center"], engineer=sc["newcomer"],
                                                                 by=by))
_center_row("pool.approve", lambda s, sc, by: pool.approve(s, membership=sc["membership"], center=sc["center"], by=by))
_center_row("pool.remove", lambda s, sc, by: pool.remove(s, membership=sc["membership"], center=sc["center"], by=by))
_center_row("roster.import_roster", lambda s, sc, by: roster.import_roster(
    s, center=sc["center"], filename="r.csv", content="姓名,聘用方式\n王工,兼职\n".encode(), by=by))
_center_row("records.add_record", lambda s, sc, by: records.add_record(
    s, center=sc["center"], kind="training", data=records.parse("training", {"title": "液压培训",
                                                                              "starts_on": "2026-05-01"}), by=by))
_center_row("bookings.book", lambda s, sc, by: bookings.book(s, resource=sc["resource"], data=bookings.BookingIn(
    day=date(2026, 5, 6), start_hour=9, hours=2, purpose="材料疲劳试验"), by=by))
_center_row("centers.update_profile", lambda s, sc, by: center_service.update_profile(
    s, center=sc["center"], data=center_service.CenterUpdate(contact="李经理"), by=by))
_center_row("recognition.submit", lambda s, sc, by: recognition.submit(
    s, center=sc["center"], year=2026, plan="建设方案：共性技术平台与工程师库", by=by))
_center_row("recognition.assess", lambda s, sc, by: recognition.assess(s, center=sc["center"], passed=True, by=by))
_center_row("recognition.revoke", lambda s, sc, by: recognition.revoke(s, center=sc["center"], reason="第十四条",
                                                                       by=by))
_center_row("recognition.record_incident", lambda s, sc, by: recognition.record_incident(
    s, center=sc["center"], kind="安全事故", happened_on=date(2026, 7, 1), description="实验室爆燃", severe=True,
    by=by))
_center_row("scores.record_scores", lambda s, sc, by: scores.record_scores(
    s, center=sc["center"], year=2026, scores=[scores.ScoreIn(line_id="1.1", score=Decimal(1))], by=by))
# an expert the province did not assign to the center's application is an outsider too


def _application_row(name: str, status: str, call):
    """A row acting on a 2026 application in the given status (its notice, if any, over by February)."""
    @row(name)
    def _(session):
        application = Application(center_id=make_center(session).id, year=2026, kind="recognition", status=status,
                                  notice_ends_on=date(2026, 1, 1))
        session.add(application)
        expert = make_user(session, role="expert")
        return lambda by: call(session, application, by, expert), set()


_application_row("recognition.city_review", "submitted", lambda s, a, by, expert: recognition.city_review(
    s, application=a, recommend=True, opinion="推荐", by=by))
_application_row("recognition.province_review", "city_recommended",
                 lambda s, a, by, expert: recognition.province_review(s, application=a, passed=True, comment="", by=by))
_application_row("recognition.start_notice", "expert_review", lambda s, a, by, expert: recognition.start_notice(
    s, application=a, start=date(2026, 9, 29), by=by))
_application_row("recognition.object_to", "public_notice", lambda s, a, by, expert: recognition.object_to(
    s, application=a, comment="公示异议", by=by))
_application_row("recognition.decide", "public_notice", lambda s, a, by, expert: recognition.decide(
    s, application=a, recognise=True, by=by, on=date(2026, 2, 1)))
_application_row("recognition.assign_expert", "expert_review", lambda s, a, by, expert: recognition.assign_expert(
    s, application=a, expert=expert, by=by))
@pytest.mark.parametrize("name", sorted(ROWS) if ROWS else [], ids=str)
def test_outsider_is_refused_and_nothing_is_written(session, name):
    act, allowed = ROWS[name](session)
    people = outsiders(session, allowed)
    session.flush()
    before = row_counts(session)
    for user in people:
        with pytest.raises((Forbidden, NotFound)):
            act(user)
        assert not session.new and not session.dirty and not session.deleted, user.role
        assert row_counts(session) == before, user.role
