"""Only an expert assigned to the center's application scores it, for that year, within each line's maximum."""

from __future__ import annotations

from sqlmodel import select

from centers.indicators.engine import compute_indicators
from centers.models import Application, ExpertScore
from tests.centers.factories import assigned_expert, at, published
from tests.factories import PASSWORD, make_center, make_user
from tests.helpers import login


def _auth(client, user) -> dict:
    response = client.post("/api/v1/auth/token", data={"username": user.username, "password": PASSWORD})
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _post(client, center, user, **body):
    body = {"year": 2026, "scores": [{"line_id": "4.3", "score": 0}], **body}
    return client.post(f"/api/v1/centers/{center.id}/expert-scores", json=body, headers=_auth(client, user))


def _scores(session, center) -> list[ExpertScore]:
    return list(session.exec(select(ExpertScore).where(ExpertScore.center_id == center.id)).all())


class TestWhoScores:
    def test_unassigned_expert_changes_nothing(self, client, session):
        center = make_center(session)
        published(session, center=center, when=at(2026, 3, 1))
        assigned_expert(session, center)  # someone else is assigned
        before = compute_indicators(session, center=center, year=2026)["total"]
        response = _post(client, center, make_user(session, role="expert"))
        assert response.status_code == 403 and "未被分配" in response.json()["detail"]
        assert _scores(session, center) == []
        assert compute_indicators(session, center=center, year=2026)["total"] == before

    def test_expert_assigned_elsewhere_cannot_score_this_center(self, client, session):
        center = make_center(session)
        expert = assigned_expert(session, make_center(session))
        assert _post(client, center, expert).status_code == 403
        assert _scores(session, center) == []

    def test_decided_application_is_closed_to_scores(self, client, session):
        center = make_center(session)
        expert = assigned_expert(session, center)
        application = session.exec(select(Application).where(Application.center_id == center.id)).one()
        application.status = "recognised"
        session.flush()
        assert _post(client, center, expert).status_code == 403

    def test_assigned_expert_scores(self, client, session):
        center = make_center(session)
        expert = assigned_expert(session, center)
        assert _post(client, center, expert, scores=[{"line_id": "4.3", "score": 3}]).status_code == 201
        row, = _scores(session, center)
        assert row.expert_id == expert.id and row.application_id is not None


class TestWhatIsScored:
    def test_future_or_other_year_is_422(self, client, session):
        center = make_center(session)
        expert = assigned_expert(session, center)
        future = _post(client, center, expert, year=2031)
        assert future.status_code == 422 and future.json()["field"] == "year"
        other = _post(client, center, expert, year=2025)
        assert other.status_code == 422 and other.json()["field"] == "year"
        assert _scores(session, center) == []

    def test_other_centers_application_id_is_422(self, client, session):
        center, other = make_center(session), make_center(session)
        expert = assigned_expert(session, center)
        assigned_expert(session, other)
        foreign = session.exec(select(Application).where(Application.center_id == other.id)).one()
        response = _post(client, center, expert, application_id=foreign.id)
        assert response.status_code == 422 and response.json()["field"] == "application_id"
        assert _scores(session, center) == [] and _scores(session, other) == []

    def test_score_outside_zero_to_line_max_is_422(self, client, session):
        center = make_center(session)
        expert = assigned_expert(session, center)
        for score in (-1, 3, "NaN", "Infinity", 1e300):
            response = _post(client, center, expert, scores=[{"line_id": "4.4", "score": score}])
            assert response.status_code == 422, score
        assert _scores(session, center) == []


class TestExpertForm:
    def _form(self, client, center, user, year, **data):
        token = login(client, user)
        return client.post(f"/expert/centers/{center.id}?year={year}", data={"csrf_token": token, **data},
                           follow_redirects=False)

    def test_unassigned_expert_form_is_403(self, client, session):
        center = make_center(session)
        response = self._form(client, center, make_user(session, role="expert"), 2026, **{"score_2.3": "3"})
        assert response.status_code == 403 and _scores(session, center) == []

    def test_future_year_form_is_422(self, client, session):
        center = make_center(session)
        response = self._form(client, center, assigned_expert(session, center), 2031, **{"score_2.3": "3"})
        assert response.status_code == 422 and _scores(session, center) == []

    def test_negative_form_score_is_422(self, client, session):
        center = make_center(session)
        response = self._form(client, center, assigned_expert(session, center), 2026, **{"score_2.3": "-1"})
        assert response.status_code == 422 and _scores(session, center) == []
