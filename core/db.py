"""The one place that opens database sessions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from anyio import CancelScope
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel, create_engine

from core.settings import get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata
WRITE_OPTION = "xiechuang_write"  # execution option: this transaction will write
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Take transaction control away from pysqlite (it would not BEGIN before a
    # SAVEPOINT, so releasing one committed everything); SQLAlchemy's "begin"
    # event below emits BEGIN itself.
    dbapi_connection.isolation_level = None
    # WAL lets readers run beside one writer; the busy timeout makes writers
    # wait instead of failing at once; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn) -> None:
    # Read-then-write transactions take the write lock up front (BEGIN IMMEDIATE):
    # a deferred one would fail with SQLITE_BUSY when it tries to upgrade.
    immediate = conn.get_execution_options().get(WRITE_OPTION)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def build_engine(url: str, *, echo: bool = False) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10, pool_recycle=1800)


@lru_cache
def get_engine() -> Engine:
    settings = get_settings()
    return build_engine(settings.database_url, echo=settings.log_sql)


def open_session() -> Session:
    return Session(get_engine(), expire_on_commit=False)


async def get_session(request: Request) -> AsyncIterator[Session]:
    """Yield a session that commits on success and rolls back on error.

    Requests that may write (POST, PUT, PATCH, DELETE) start their transaction
    as a writer, which on SQLite means BEGIN IMMEDIATE. An async generator: opening
    a session does no I/O, so a read request reaches its route without a trip
    through the thread pool; the commit, which does I/O, still goes there.
    The app may set `state.session_factory` (tests bind sessions to a rolled-back connection).
    """
    session = getattr(request.app.state, "session_factory", open_session)()
    try:
        if request.method not in SAFE_METHODS:
            await run_in_threadpool(session.connection, execution_options={WRITE_OPTION: True})
        yield session
        if session.in_transaction():
            await run_in_threadpool(session.commit)
    except BaseException:
        with CancelScope(shield=True):
            await run_in_threadpool(session.rollback)
        raise
    finally:
        session.close()  # no I/O left: commit and rollback returned the connection to the pool


def begin_write(session: Session) -> None:
    """Commit the session's transaction and begin a writing one (BEGIN IMMEDIATE on SQLite).

    For a request that reads, then does CPU work (argon2), then writes: the work in between runs after
    a commit, holding neither the write lock nor, until the next statement, a connection."""
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={WRITE_OPTION: True})


# scope="function": commit before the response is sent, so the page a POST
# redirects to (or a client reading right after a 201) sees the write.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """Same contract as get_session, for the CLI and scripts."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        session.connection(execution_options={WRITE_OPTION: True})
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise
