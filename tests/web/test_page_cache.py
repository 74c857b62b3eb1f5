"""The anonymous page cache: one rendering of a public page serves every anonymous visitor for a
few seconds, each with their own CSRF token; signed-in users and API calls always see live data."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from core.settings import get_settings
from tests.factories import PASSWORD, make_challenge, make_user
from tests.helpers import csrf_from, login


@pytest.fixture
def cached(monkeypatch):
    monkeypatch.setattr(get_settings(), "anonymous_page_cache_seconds", 30)


def rename(session, challenge, title):
    challenge.title = title
    session.add(challenge)
    session.commit()


def test_anonymous_visitors_share_one_rendering_for_the_cache_time(app, client, session, cached):
    challenge = make_challenge(session, title="装载机转向阀抖动")
    first = client.get("/challenges")
    assert first.headers["x-page-cache"] == "miss" and "装载机转向阀抖动" in first.text
    rename(session, challenge, "数控机床热变形补偿")
    again = client.get("/challenges")
    assert again.headers["x-page-cache"] == "hit"
    assert "装载机转向阀抖动" in again.text  # up to the cache time old, as documented
    # other URLs (a search, an htmx partial, the detail page) are pages of their own
    partial = client.get("/challenges", headers={"HX-Request": "true"})
    assert partial.headers["x-page-cache"] == "miss" and "<html" not in partial.text
    assert "数控机床热变形补偿" in client.get(f"/challenges/{challenge.id}").text


def test_each_visitor_gets_their_own_csrf_token_and_can_use_it(app, session, cached):
    user = make_user(session, role="sme")
    with TestClient(app) as alice, TestClient(app) as bob:
        alice_page = alice.get("/challenges")
        bob_page = bob.get("/challenges")
        assert bob_page.headers["x-page-cache"] == "hit"
        alice_token, bob_token = csrf_from(alice_page.text), csrf_from(bob_page.text)
        assert alice_token != bob_token and "xc-csrf-" not in bob_page.text
        assert int(bob_page.headers["content-length"]) == len(bob_page.content)
        # the swapped-in token is the one bob's session checks: he can sign in with it
        reply = bob.post("/login", data={"username": user.username, "password": PASSWORD,
                                         "csrf_token": bob_token}, follow_redirects=False)
        assert reply.status_code == 303
        assert alice.post("/login", data={"username": user.username, "password": PASSWORD,
                                          "csrf_token": bob_token}).status_code == 403


def test_signed_in_users_always_see_live_pages(app, client, session, cached):
    challenge = make_challenge(session, title="装载机转向阀抖动")
    assert client.get("/challenges").headers["x-page-cache"] == "miss"
    rename(session, challenge, "数控机床热变形补偿")
    login(client, make_user(session, role="sme"))
    page = client.get("/challenges")
    assert "x-page-cache" not in page.headers
    assert "数控机床热变形补偿" in page.text and "退出" in page.text


def test_api_calls_and_error_pages_are_never_stored(app, client, session, cached):
    make_challenge(session, title="装载机转向阀抖动")
    assert "x-page-cache" not in client.get("/api/v1/challenges").headers
    missing = client.get("/challenges/999999")
    assert missing.status_code == 404 and missing.headers["x-page-cache"] == "pass"
    assert client.get("/challenges/999999").headers["x-page-cache"] == "pass"


def test_off_when_the_setting_is_zero(client, session):
    make_challenge(session, title="装载机转向阀抖动")
    page = client.get("/challenges")
    assert "x-page-cache" not in page.headers and "xc-csrf-" not in page.text
