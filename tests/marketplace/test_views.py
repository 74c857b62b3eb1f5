"""Page contexts: the bid comparison costs the same number of queries for 3 bids as for 10."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from marketplace.challenges import views
from marketplace.challenges.schemas import TeamMemberIn
from tests.factories import make_engineer
from tests.marketplace.core_helpers import bid, market


@contextmanager
def counted(session):
    """Count the SQL statements the session's connection sends while the block runs."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", count)


def _comparison_queries(session, n: int) -> tuple[int, list[dict]]:
    m = market(session, n=n)
    for index in range(n):
        helper = make_engineer(session, name=f"助手{index}")
        bid(session, m, index, team=[TeamMemberIn(engineer=helper.external_id, role="仿真")])
    session.flush()
    session.expire_all()  # nothing served from the identity map: every row the page needs is loaded here
    with counted(session) as statements:
        rows = views.bid_rows(session, m.challenge, None)
    return len(statements), rows


def test_bid_comparison_queries_do_not_grow_with_bids(session):
    three, rows3 = _comparison_queries(session, 3)
    ten, rows10 = _comparison_queries(session, 10)
    assert len(rows3) == 3 and len(rows10) == 10
    assert all(len(row["team"]) == 1 and row["team"][0].name.startswith("助手") for row in rows10)
    assert all(row["rep"]["basis"] == "暂无评价与验收记录" for row in rows10)
    assert ten == three <= 5
