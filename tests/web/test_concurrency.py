"""Busy, not broken: a full pool or a held SQLite lock answers 503 + Retry-After in Chinese, an anonymous
POST never waits for the write lock, and /healthz answers while every worker thread is taken."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from anyio import to_thread
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from core.concurrency import limiters
from core.db import build_engine
from core.migrate import upgrade
from tests.conftest import TEST_URL
from tests.factories import make_user
from tests.helpers import api_headers
from tests.scratch import scratch_database
from web.app import create_app

JSON = {"Accept": "application/json"}
sqlite_only = pytest.mark.skipif(not TEST_URL.startswith("sqlite"), reason="SQLite's write lock")


@pytest.fixture(scope="module")
def scratch_url() -> Iterator[str]:
    with scratch_database("busy") as url:
        upgrade(url)
        yield url


def app_on(engine):
    application = create_app()
    application.state.session_factory = lambda: Session(engine, expire_on_commit=False)
    return application


def test_pool_timeout_answers_503_with_retry_after(scratch_url):
    engine = build_engine(scratch_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    held = engine.connect()  # the pool's only connection
    try:
        with TestClient(app_on(engine), raise_server_exceptions=False) as client:
            reply = client.get("/challenges", params={"q": "液压"}, headers=JSON)
        assert reply.status_code == 503
        assert reply.headers["retry-after"].isdigit()
        assert "请稍后重试" in reply.json()["detail"]
    finally:
        held.close()
        engine.dispose()


@pytest.fixture
def locked(scratch_url):
    """A firm with a token, then another connection holding SQLite's write lock."""
    engine = build_engine(scratch_url)
    with Session(engine) as session:
        firm = make_user(session, role="sme")
        session.commit()
        username = firm.username
    client = TestClient(app_on(engine), raise_server_exceptions=False)
    client.__enter__()
    heads = api_headers(client, username)
    holder = engine.raw_connection()
    holder.cursor().execute("BEGIN IMMEDIATE")
    try:
        yield engine, client, heads
    finally:
        holder.cursor().execute("ROLLBACK")
        holder.close()
        client.__exit__(None, None, None)
        engine.dispose()


@sqlite_only
def test_unauthenticated_post_does_not_wait_for_the_write_lock(locked):
    _, client, _ = locked
    body = {"title": "匿名咨询", "description": "未登录的写入请求"}
    for heads in ({}, {"Authorization": "Bearer not-a-token"}):
        started = time.monotonic()
        reply = client.post("/api/v1/consultations", json=body, headers=heads)
        assert reply.status_code == 401
        assert time.monotonic() - started < 5  # the busy timeout is 10 s: it never waited for the lock


@sqlite_only
def test_locked_database_answers_503_with_retry_after(locked):
    engine, client, heads = locked

    @event.listens_for(engine, "connect")
    def short_wait(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA busy_timeout=100")

    engine.dispose()  # new connections wait 100 ms for the lock instead of 10 s
    reply = client.post("/api/v1/consultations", headers=heads,
                        json={"title": "锁住时的咨询", "description": "数据库写锁被另一进程持有"})
    assert reply.status_code == 503
    assert reply.headers["retry-after"].isdigit()
    assert "请稍后重试" in reply.json()["detail"]


def test_healthz_answers_while_every_worker_thread_is_taken(scratch_url):
    engine = build_engine(scratch_url)
    with TestClient(app_on(engine), raise_server_exceptions=False) as client:
        borrowers = []

        def take_everything():
            for limiter in (to_thread.current_default_thread_limiter(), limiters().slots):
                for _ in range(int(limiter.total_tokens)):
                    borrowers.append((limiter, object()))
                    limiter.acquire_on_behalf_of_nowait(borrowers[-1][1])

        def give_back():
            for limiter, borrower in borrowers:
                limiter.release_on_behalf_of(borrower)

        client.portal.call(take_everything)
        try:
            reply = client.get("/healthz")
        finally:
            client.portal.call(give_back)
    engine.dispose()
    assert reply.status_code == 200
    assert reply.json() == {"status": "ok"}
