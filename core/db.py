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
from sqlalchemy import MetaData, event, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel, create_engine

from core.concurrency import is_queued, limiters
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
POOL_OVERFLOW = 4  # beyond the request slots: the outbox after a commit, the CLI sharing an engine
POOL_TIMEOUT = 10  # seconds; past it sqlalchemy.exc.TimeoutError, answered 503 (web/app.py)
BORROWER, HOLDS_SLOT, HOLDS_WRITER = "xiechuang_borrower", "xiechuang_slot", "xiechuang_writer"


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


def build_engine(url: str, *, echo: bool = False, pool_size: int = 10, max_overflow: int = 10,
                 pool_timeout: float = 30) -> Engine:
    parsed = make_url(url)
    pool = {"pool_size": pool_size, "max_overflow": max_overflow, "pool_timeout": pool_timeout}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        else:
            pool = {}  # one in-memory database per connection: SQLAlchemy's own pool for it
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 10}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_recycle=1800, **pool)


@lru_cache
def get_engine() -> Engine:
    """The process's engine: its pool holds as many connections as there are request slots."""
    settings = get_settings()
    return build_engine(settings.database_url, echo=settings.log_sql, pool_size=settings.db_connections,
                        max_overflow=POOL_OVERFLOW, pool_timeout=POOL_TIMEOUT)


@lru_cache
def get_health_engine() -> Engine:
    """/healthz's own connection: it never waits for the requests' pool."""
    settings = get_settings()
    return build_engine(settings.database_url, pool_size=1, max_overflow=1, pool_timeout=1)


def ping() -> None:
    with get_health_engine().connect() as conn:
        conn.execute(text("SELECT 1"))


def open_session() -> Session:
    return Session(get_engine(), expire_on_commit=False)


async def get_session(request: Request) -> AsyncIterator[Session]:
    """Yield a session that commits on success and rolls back on error.

    The request first takes a slot (core/concurrency.py): at most as many requests use the database
    as the pool has connections, the rest wait here without a connection or a thread; routes marked
    `@queued` wait first for their share. A read request starts a deferred transaction; a request that
    may write becomes the writer only once it is authenticated (`take_write_lock`, called by the app).
    An async generator: opening a session does no I/O, so a read request reaches its route without a
    trip through the thread pool; the commit, which does I/O, still goes there.
    The app may set `state.session_factory` (tests bind sessions to a rolled-back connection).
    """
    gates = limiters()
    borrower = object()
    queued = is_queued(request.scope.get("endpoint"))
    if queued:
        await gates.queued.acquire_on_behalf_of(borrower)
    try:
        await gates.slots.acquire_on_behalf_of(borrower)
        session = getattr(request.app.state, "session_factory", open_session)()
        session.info.update({BORROWER: borrower, HOLDS_SLOT: True, HOLDS_WRITER: False})
        try:
            yield session
            if session.in_transaction():
                await run_in_threadpool(session.commit)
        except BaseException:
            with CancelScope(shield=True):
                await run_in_threadpool(session.rollback)
            raise
        finally:
            session.close()  # no I/O left: commit and rollback returned the connection to the pool
            if session.info[HOLDS_WRITER]:
                gates.writer.release_on_behalf_of(borrower)
            if session.info[HOLDS_SLOT]:
                gates.slots.release_on_behalf_of(borrower)
    finally:
        if queued:
            gates.queued.release_on_behalf_of(borrower)


async def take_write_lock(session: Session) -> None:
    """Make the request's session the process's writer: on SQLite, BEGIN IMMEDIATE under an async lock.

    Called once the request is authenticated. Its read transaction (the sign-in lookup) ends first, the
    request gives its slot back while it waits for the lock (no connection is held while waiting),
    then BEGIN IMMEDIATE: the rest of the request reads and writes in one write transaction, so a
    read-then-write never meets SQLITE_BUSY_SNAPSHOT from a writer of this process. Writers of other
    processes still meet the busy timeout. Objects loaded before are expired and reload inside it.
    PostgreSQL needs none of this: row locks and conditional updates serialise its writers.
    """
    if session.get_bind().dialect.name != "sqlite" or session.info.get(HOLDS_WRITER, True):
        return
    gates, borrower = limiters(), session.info[BORROWER]
    if session.in_transaction():
        await run_in_threadpool(session.commit)
    gates.slots.release_on_behalf_of(borrower)
    session.info[HOLDS_SLOT] = False
    await gates.writer.acquire_on_behalf_of(borrower)
    session.info[HOLDS_WRITER] = True
    await gates.slots.acquire_on_behalf_of(borrower)
    session.info[HOLDS_SLOT] = True
    await run_in_threadpool(_begin_immediate, session)


def _begin_immediate(session: Session) -> None:
    session.connection(execution_options={WRITE_OPTION: True})
    session.expire_all()


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
