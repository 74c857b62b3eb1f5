"""Government, expert and admin writes leave an audit line; refused ones and others' do not."""

from __future__ import annotations

from sqlmodel import select

from centers.models import AuditLog
from tests.centers.factories import assigned_expert
from tests.factories import PASSWORD, make_center, make_user


def _auth(client, user) -> dict:
    response = client.post("/api/v1/auth/token", data={"username": user.username, "password": PASSWORD})
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _lines(session, user) -> list[AuditLog]:
    return list(session.exec(select(AuditLog).where(AuditLog.user_id == user.id)).all())


def test_an_expert_score_is_audited(client, session):
    center = make_center(session)
    expert = assigned_expert(session, center)
    reply = client.post(f"/api/v1/centers/{center.id}/expert-scores",
                        json={"year": 2026, "scores": [{"line_id": "4.3", "score": 2}]}, headers=_auth(client, expert))
    assert reply.status_code == 201
    lines = _lines(session, expert)
    assert len(lines) == 1
    assert lines[0].action == "POST /api/v1/centers/{center_id}/expert-scores"
    assert lines[0].detail["role"] == "expert"


def test_a_refused_write_and_an_operator_write_are_not_audited(client, session):
    center = make_center(session)
    operator = make_user(session, role="center", center=center)
    expert = assigned_expert(session, center)
    too_high = client.post(f"/api/v1/centers/{center.id}/expert-scores",
                           json={"year": 2026, "scores": [{"line_id": "4.4", "score": 3}]},
                           headers=_auth(client, expert))
    assert too_high.status_code == 422
    assert _lines(session, expert) == []
    refused = client.post(f"/api/v1/centers/{center.id}/expert-scores",
                          json={"year": 2026, "scores": [{"line_id": "4.3", "score": 2}]},
                          headers=_auth(client, operator))
    assert refused.status_code == 403
    assert _lines(session, operator) == []
