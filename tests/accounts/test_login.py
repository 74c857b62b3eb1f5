"""Sign-in throttling as an attacker and a victim meet it: a delay, never a lock; one answer for every refusal."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from accounts.login import ADDRESS_FREE, MAX_DELAY, PAIR_FREE, delay_after
from accounts.models import LoginAttempt
from core.clock import now
from tests.factories import PASSWORD, make_user
from tests.helpers import csrf_from

TRIES = 5


def _client(app, session, address: str) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False, client=(address, 50000))
    client.event_hooks["response"].append(lambda _response: session.expire_all())
    return client


def _token(client, username: str, password: str):
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def _fail(client, username: str, times: int) -> None:
    for _ in range(times):
        assert _token(client, username, "wrong-guess-123").status_code == 401


def _timed(client, username: str, password: str) -> float:
    started = time.perf_counter()
    _token(client, username, password)
    return time.perf_counter() - started


class TestOneAnswer:
    def test_unknown_wrong_and_throttled_look_the_same(self, client, session):
        make_user(session, username="target")
        unknown = _token(client, "nobody-here", PASSWORD)
        wrong = _token(client, "target", "wrong-guess-123")
        _fail(client, "target", PAIR_FREE + 4)
        throttled = _token(client, "target", PASSWORD)  # the right password, from a throttled address
        assert unknown.status_code == wrong.status_code == throttled.status_code == 401
        assert unknown.json() == wrong.json() == throttled.json()
        assert "用户名或密码错误" in unknown.json()["detail"]

    def test_the_login_page_says_the_same_words_too(self, client, session):
        make_user(session, username="page-target")
        _fail(client, "page-target", PAIR_FREE + 4)
        answers = []
        for username, password in (("nobody-here", PASSWORD), ("page-target", "wrong-guess-123"),
                                   ("page-target", PASSWORD)):
            csrf = csrf_from(client.get("/login").text)
            page = client.post("/login", data={"username": username, "password": password, "csrf_token": csrf})
            answers.append((page.status_code, page.text.split('role="alert">')[1].split("<")[0]))
        assert len(set(answers)) == 1 and answers[0][0] == 401

    def test_unknown_wrong_and_throttled_take_about_as_long(self, client, session):
        """Medians over several tries, a generous factor: each refusal runs one argon2 verification."""
        make_user(session, username="timed")
        _token(client, "timed", "warm-up-wrong-1")
        unknown = [_timed(client, f"nobody{n}", PASSWORD) for n in range(TRIES)]
        wrong = [_timed(client, "timed", "wrong-guess-123") for _ in range(TRIES)]
        _fail(client, "timed", PAIR_FREE + 2)
        throttled = [_timed(client, "timed", PASSWORD) for _ in range(TRIES)]
        assert _token(client, "timed", PASSWORD).status_code == 401  # those were refused, right password or not
        medians = [statistics.median(series) for series in (unknown, wrong, throttled)]
        print("median seconds: unknown %.3f, wrong %.3f, throttled %.3f" % tuple(medians))
        assert max(medians) < 2.5 * min(medians), medians

    def test_a_deactivated_account_is_told_only_after_the_right_password(self, client, session):
        user = make_user(session, username="retired")
        user.is_active = False
        session.add(user)
        session.flush()
        wrong = _token(client, "retired", "wrong-guess-123")
        assert wrong.status_code == 401 and wrong.json() == _token(client, "nobody-here", PASSWORD).json()
        right = _token(client, "retired", PASSWORD)
        assert right.status_code == 403 and "停用" in right.json()["detail"]


class TestNoLockout:
    def test_failures_from_one_address_do_not_keep_the_owner_out_elsewhere(self, app, session):
        make_user(session, username="victim")
        attacker, owner = _client(app, session, "203.0.113.7"), _client(app, session, "198.51.100.9")
        _fail(attacker, "victim", PAIR_FREE + 10)
        assert _token(attacker, "victim", PASSWORD).status_code == 401  # the attacker's address waits
        assert _token(owner, "victim", PASSWORD).status_code == 200  # the owner does not

    def test_a_known_device_behind_the_same_address_still_signs_in(self, app, session):
        make_user(session, username="colleague")
        owner = _client(app, session, "192.0.2.50")
        assert _token(owner, "colleague", PASSWORD).status_code == 200  # sets the known-device cookie
        stranger = _client(app, session, "192.0.2.50")  # the same NAT, another browser
        for n in range(ADDRESS_FREE + 5):
            _token(stranger, f"guess{n}", "wrong-guess-123")
        _fail(stranger, "colleague", PAIR_FREE + 3)
        assert _token(stranger, "colleague", PASSWORD).status_code == 401  # a new browser waits...
        assert _token(owner, "colleague", PASSWORD).status_code == 200  # ...the owner's browser does not

    def test_the_delay_runs_out(self, client, session):
        make_user(session, username="patient")
        _fail(client, "patient", PAIR_FREE + 30)
        assert _token(client, "patient", PASSWORD).status_code == 401
        session.execute(update(LoginAttempt).values(at=now() - MAX_DELAY - timedelta(seconds=5)))
        session.flush()
        assert _token(client, "patient", PASSWORD).status_code == 200

    def test_the_delay_grows_then_stops_growing(self):
        waits = [delay_after(n, free=PAIR_FREE) for n in range(PAIR_FREE + 40)]
        assert waits[:PAIR_FREE] == [timedelta(0)] * PAIR_FREE
        assert waits[PAIR_FREE] == timedelta(seconds=1) and waits[PAIR_FREE + 3] == timedelta(seconds=8)
        assert max(waits) == MAX_DELAY
