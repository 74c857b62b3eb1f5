"""Throwaway databases of the backend under test, for tests that need real commits
(CLI subprocesses, servers, backup/restore) rather than the rolled-back session."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from tests.conftest import TEST_URL


@contextmanager
def scratch_database(label: str = "scratch") -> Iterator[str]:
    """Yield the URL of a fresh, empty database; drop it afterwards."""
    if not TEST_URL.startswith("postgresql"):
        folder = Path(tempfile.mkdtemp(prefix=f"xiechuang-{label}-"))
        yield f"sqlite:///{folder / 'db.sqlite'}"
        return
    base = make_url(TEST_URL)
    name = f"{base.database}_{label}_{uuid.uuid4().hex[:6]}"
    admin = f"host={base.host or '127.0.0.1'} port={base.port or 5432} user={base.username or 'postgres'} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
