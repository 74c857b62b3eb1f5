"""Error pages render for signed-in users too (the page's user survives the rollback)."""

from __future__ import annotations

from tests.factories import make_user
from tests.helpers import login


def test_forbidden_page_for_a_signed_in_firm_is_403_in_chinese(client, session):
    make_user(session, role="sme", username="nosy-firm")
    login(client, "nosy-firm")
    response = client.get("/gov", headers={"accept": "text/html"})
    assert response.status_code == 403
    assert "无权" in response.text
    assert "nosy-firm" in response.text  # the header still shows who is signed in


def test_missing_page_for_a_signed_in_user_is_404(client, session):
    make_user(session, role="engineer", username="lost-engineer")
    login(client, "lost-engineer")
    response = client.get("/challenges/999999", headers={"accept": "text/html"})
    assert response.status_code == 404
