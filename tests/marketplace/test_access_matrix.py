"""Every marketplace-core API route as every role and as anonymous, against one matrix.

Roles outside a route's allowed set get 401 (anonymous) or 403/404; roles inside never do
(they may still get 409/422 when the state does not allow the step). Each route gets a fresh
scenario and the refused roles go first, so the allowed ones meet the state untouched.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from accounts.service import issue_token
from marketplace.challenges import bids
from marketplace.challenges import service as challenges
from marketplace.challenges.schemas import BidCreate
from marketplace.execution import service as execution
from marketplace.execution.schemas import MilestoneCreate
from tests.factories import (
    make_center,
    make_challenge,
    make_engineer,
    make_org,
    make_user,
)

ROLES = ["anon", "firm", "other_firm", "lead", "outsider", "operator", "other_operator", "province", "admin"]
LOGGED_IN = set(ROLES) - {"anon"}
VIEWERS = {"firm", "lead", "operator", "admin"}  # who may know a collaboration exists
EDITORS = {"firm", "operator", "admin"}
DAY = str(date.today())
PDF = ("r.pdf", b"%PDF-1.4 matrix", "application/pdf")

# (method, path template, body or files, allowed roles)
MATRIX = [
    ("get", "/api/v1/challenges", None, LOGGED_IN),
    ("post", "/api/v1/challenges", {"title": "矩阵测试榜单", "description": "矩阵测试榜单的描述"},
     {"firm", "other_firm", "admin"}),
    ("get", "/api/v1/challenges/{open}", None, LOGGED_IN),
    ("get", "/api/v1/challenges/{draft}", None, EDITORS),
    ("patch", "/api/v1/challenges/{open}", {"title": "改过的标题"}, EDITORS),
    ("post", "/api/v1/challenges/{draft}/publish", None, EDITORS),
    ("post", "/api/v1/challenges/{open}/cancel", {"reason": "测试"}, EDITORS),
    ("post", "/api/v1/challenges/{open}/transition", {"status": "bidding_closed"}, EDITORS),
    ("post", "/api/v1/challenges/{open}/nda", None, {"lead", "outsider"}),
    ("post", "/api/v1/challenges/{open}/attachments", {"files": PDF}, EDITORS),
    ("get", "/api/v1/challenges/{open}/attachments/{file}", None, LOGGED_IN),
    ("get", "/api/v1/challenges/{open}/bids", None, LOGGED_IN),
    ("post", "/api/v1/challenges/{open}/bids", {"proposal": "矩阵测试方案", "price": 1}, {"lead", "outsider"}),
    ("post", "/api/v1/challenges/{open}/shortlist", {"bid_ids": ["{bid}"]}, {"firm", "admin"}),
    ("post", "/api/v1/challenges/{open}/award", {"parts": [{"bid_id": "{bid}", "share_pct": 100}]}, {"firm", "admin"}),
    ("get", "/api/v1/bids/{bid}", None, {"lead", "firm", "operator", "admin"}),
    ("post", "/api/v1/bids/{bid}/award", None, {"firm", "admin"}),
    ("post", "/api/v1/bids/{bid}/withdraw", None, {"lead"}),
    ("post", "/api/v1/bids/{bid}/reject", {"reason": "不合适"}, {"firm", "admin"}),
    ("get", "/api/v1/collaborations/{collab}", None, VIEWERS),
    ("post", "/api/v1/collaborations/{collab}/deliver", {"note": "交付"}, {"lead"}),
    ("post", "/api/v1/collaborations/{collab}/accept", {"rating": 5}, {"firm"}),
    ("post", "/api/v1/collaborations/{collab}/reject", {"reason": "未达标"}, {"firm"}),
    ("post", "/api/v1/collaborations/{collab}/dispute", {"reason": "有分歧"}, {"firm", "lead"}),
    ("post", "/api/v1/collaborations/{collab}/resolve", {"outcome": "resume", "note": "继续"}, {"operator", "admin"}),
    ("post", "/api/v1/collaborations/{collab}/stop", {"reason": "失联"}, EDITORS),
    ("post", "/api/v1/collaborations/{collab}/resume", None, EDITORS),
    ("post", "/api/v1/collaborations/{collab}/reassign", {"engineer": "{spare}", "reason": "失联"}, EDITORS),
    ("post", "/api/v1/collaborations/{collab}/contract", {"contract_kind": "技术咨询"}, EDITORS),
    ("get", "/api/v1/collaborations/{collab}/milestones", None, VIEWERS),
    ("post", "/api/v1/collaborations/{collab}/milestones", {"title": "阶段二", "amount": 10}, {"firm", "lead", "admin"}),
    ("post", "/api/v1/milestones/{milestone}/submit", None, {"lead"}),
    ("post", "/api/v1/milestones/{submitted}/accept", None, {"firm"}),
    ("post", "/api/v1/milestones/{submitted}/reject", {"reason": "不行"}, {"firm"}),
    ("get", "/api/v1/collaborations/{collab}/worklogs", None, VIEWERS),
    ("post", "/api/v1/collaborations/{collab}/worklogs", {"day": DAY, "hours": 2}, {"lead"}),
    ("get", "/api/v1/collaborations/{collab}/deliverables", None, VIEWERS),
    ("post", "/api/v1/collaborations/{collab}/deliverables", {"files": PDF}, {"lead"}),
    ("get", "/api/v1/deliverables/{deliverable}/download", None, VIEWERS),
    ("get", "/api/v1/collaborations/{collab}/ratings", None, VIEWERS),
    ("post", "/api/v1/collaborations/{collab}/ratings", {"rating": 4}, {"firm", "lead"}),
    ("get", "/api/v1/collaborations/{collab}/payments", None, VIEWERS),
    ("post", "/api/v1/collaborations/{collab}/payments", {"amount": 1, "paid_on": DAY}, {"firm", "admin"}),
    ("get", "/api/v1/collaborations/{collab}/shares", None, VIEWERS),
    ("post", "/api/v1/collaborations/{collab}/shares",
     {"lines": [{"party_kind": "center", "center_id": "{center}", "percent": 10}]}, EDITORS),
    ("get", "/api/v1/engineers/{lead_engineer}/reputation", None, LOGGED_IN),
]


@pytest.fixture
def cast(session):
    center, other_center = make_center(session), make_center(session)
    firm_org = make_org(session)
    lead, outsider, spare = (make_engineer(session, name=n, capacity=9) for n in ("挂帅", "旁观", "替补"))
    users = {
        "firm": make_user(session, role="sme", organisation=firm_org),
        "other_firm": make_user(session, role="sme"),
        "lead": make_user(session, role="engineer", engineer=lead),
        "outsider": make_user(session, role="engineer", engineer=outsider),
        "operator": make_user(session, role="center", center=center),
        "other_operator": make_user(session, role="center", center=other_center),
        "province": make_user(session, role="province"),
        "admin": make_user(session, role="admin"),
    }
    heads = {role: {"Authorization": f"Bearer {issue_token(u)}"} for role, u in users.items()}
    heads["anon"] = {}
    return {"center": center, "org": firm_org, "users": users, "heads": heads, "lead": lead, "spare": spare}


def scenario(session, cast) -> dict:
    """An open challenge with the lead's bid and an attachment, a draft, and a running collaboration."""
    users = cast["users"]
    open_c = make_challenge(session, company=cast["org"], center=cast["center"])
    draft = make_challenge(session, company=cast["org"], center=cast["center"], status="draft")
    file = challenges.attach_file(session, challenge=open_c, data=b"%PDF-1.4 brief", filename="brief.pdf",
                                  by=users["firm"])
    open_bid = bids.submit_bid(session, challenge=open_c, data=BidCreate(proposal="公开榜单上的方案"), by=users["lead"])
    work_c = make_challenge(session, company=cast["org"], center=cast["center"])
    won = bids.submit_bid(session, challenge=work_c, data=BidCreate(proposal="中选方案", price=Decimal(1000)),
                          by=users["lead"])
    collab = bids.award(session, challenge=work_c, bid=won, by=users["firm"])
    plan = dict(collaboration=collab, challenge=work_c, by=users["firm"])
    pending = execution.add_milestone(session, data=MilestoneCreate(title="阶段一", amount=Decimal(10)), **plan)
    submitted = execution.add_milestone(session, data=MilestoneCreate(title="阶段零", amount=Decimal(10)), **plan)
    execution.submit_milestone(session, milestone=submitted, collaboration=collab, challenge=work_c, by=users["lead"])
    deliverable = execution.upload_deliverable(session, collaboration=collab, challenge=work_c, data=b"%PDF-1.4 d",
                                               filename="d.pdf", by=users["lead"])
    session.commit()
    return {"open": open_c.id, "draft": draft.id, "file": file.id, "bid": open_bid.id, "collab": collab.id,
            "milestone": pending.id, "submitted": submitted.id, "deliverable": deliverable.id,
            "spare": cast["spare"].external_id, "center": cast["center"].id, "lead_engineer": cast["lead"].id}


def fill(value, ids: dict):
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in ids and "/" not in value:
            return ids[value[1:-1]]
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value


@pytest.mark.parametrize("method,path,body,allowed", MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX])
def test_route_as_every_role(client, session, cast, method, path, body, allowed):
    ids = scenario(session, cast)
    url = path.format(**ids)
    kwargs = {}
    if body and "files" in body:
        kwargs["files"] = {"file": body["files"]}
    elif body is not None:
        kwargs["json"] = fill(body, ids)
    ordered = [r for r in ROLES if r not in allowed] + [r for r in ROLES if r in allowed]
    for role in ordered:
        status = client.request(method.upper(), url, headers=cast["heads"][role], **kwargs).status_code
        if role == "anon":
            assert status == 401, (role, status)
        elif role in allowed:
            assert status not in (401, 403, 404) and status < 500, (role, status)
        else:
            assert status in (403, 404), (role, status)
