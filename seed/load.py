"""`xiechuang seed demo`: load the demo data set once; a second run changes nothing."""

from __future__ import annotations

from sqlalchemy import func, inspect, select, table
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from accounts.models import User
from core.clock import today
from core.errors import Conflict
from seed.accounts import DEMO_ACCOUNTS
from seed.center_records import build_center_records
from seed.consult import build_consultations
from seed.execution import build_collaborations
from seed.generate import Gen
from seed.inbox import build_notifications
from seed.log import Log
from seed.market import build_challenges
from seed.people import World, build_people
from seed.vocab_clusters import CLUSTERS
from talent.models import Center

MARKER = f"XC-{CLUSTERS[0].key}"  # the first demo center's external id marks a seeded database


def is_seeded(session: Session) -> bool:
    return session.scalar(select(Center.id).where(Center.external_id == MARKER)) is not None


def load_demo(session: Session) -> dict[str, int]:
    """Seed the demo data (flushes, the caller commits) and return the row count of every table."""
    if not is_seeded(session):
        _check_free(session)
        try:
            _seed(session)
        except IntegrityError as exc:
            raise Conflict(f"演示数据与库中已有数据冲突，未写入任何数据：{exc.orig}") from exc
    return row_counts(session)


def _check_free(session: Session) -> None:
    """Refuse early, with a clear message, when a demo account name is already taken."""
    names = [username for username, *_ in DEMO_ACCOUNTS]
    taken = session.scalars(select(User.username).where(User.username.in_(names))).all()
    if taken:
        raise Conflict(f"用户名{'、'.join(taken)}已被占用，无法加载演示数据")


def _seed(session: Session) -> None:
    world = World(gen=Gen(today()), log=Log())
    build_people(session, world)
    plans = build_challenges(session, world)
    build_collaborations(session, world, plans)
    build_consultations(session, world, plans)
    build_center_records(session, world, plans)
    world.log.flush(session)
    build_notifications(session, world)


def row_counts(session: Session) -> dict[str, int]:
    """Rows per table of the database as migrated (Alembic's bookkeeping and SQLite's search index left out)."""
    names = sorted(name for name in inspect(session.connection()).get_table_names()
                   if name != "alembic_version" and "_fts" not in name)
    return {name: session.scalar(select(func.count()).select_from(table(name))) for name in names}
