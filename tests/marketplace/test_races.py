"""100 threads racing on real commits: exactly one award, capacity never exceeded (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from accounts.models import User
from core.db import build_engine
from core.errors import Conflict
from core.eventlog import Event
from core.migrate import upgrade
from marketplace.challenges import bids
from marketplace.challenges.models import Bid, Challenge
from marketplace.challenges.schemas import BidCreate
from marketplace.execution.models import Collaboration
from tests.factories import make_challenge, make_engineer, make_org, make_user
from tests.scratch import scratch_database

THREADS = 100


@pytest.fixture(scope="module")
def race_engine():
    with scratch_database("race") as url:
        upgrade(url)
        engine = build_engine(url)
        yield engine
        engine.dispose()


def run_racing(engine, work) -> list[str]:
    """Run work(session, i) in THREADS threads released together; return each outcome."""
    barrier = threading.Barrier(THREADS)

    def one(i: int) -> str:
        barrier.wait()
        with Session(engine, expire_on_commit=False) as session:
            try:
                work(session, i)
                session.commit()
                return "ok"
            except Conflict:
                session.rollback()
                return "conflict"

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(one, range(THREADS)))


class TestAwardRace:
    def test_exactly_one_award(self, race_engine):
        with Session(race_engine, expire_on_commit=False) as session:
            org = make_org(session)
            firm = make_user(session, role="sme", organisation=org)
            challenge = make_challenge(session, company=org)
            bid_ids = []
            for i in range(2):
                engineer = make_engineer(session, name=f"竞标{i}")
                bid = Bid(challenge_id=challenge.id, engineer_id=engineer.id, proposal="并发定榜测试方案",
                          price=Decimal(1000 + i))
                session.add(bid)
                session.flush()
                bid_ids.append(bid.id)
            session.commit()
            firm_id, challenge_id = firm.id, challenge.id

        def award(session: Session, i: int) -> None:
            bid = session.get(Bid, bid_ids[i % 2])  # two different bids as well as the same one
            bids.award(session, challenge=session.get(Challenge, challenge_id), bid=bid, by=session.get(User, firm_id))

        outcomes = run_racing(race_engine, award)
        assert outcomes.count("ok") == 1 and outcomes.count("conflict") == THREADS - 1
        with Session(race_engine) as session:
            assert session.exec(select(func.count()).select_from(Collaboration)
                                .where(Collaboration.challenge_id == challenge_id)).one() == 1
            assert session.exec(select(func.count()).select_from(Event).where(
                Event.challenge_id == challenge_id, Event.kind == "challenge.awarded")).one() == 1
            statuses = sorted(b.status for b in session.exec(select(Bid).where(Bid.challenge_id == challenge_id)))
            assert statuses == ["awarded", "rejected"]


class TestCapacityRace:
    def test_capacity_never_exceeded(self, race_engine):
        with Session(race_engine, expire_on_commit=False) as session:
            org = make_org(session)
            engineer = make_engineer(session, name="抢单工程师", capacity=3)
            user = make_user(session, role="engineer", engineer=engineer)
            challenge_ids = [make_challenge(session, company=org, title=f"并发揭榜{i}").id for i in range(THREADS)]
            session.commit()
            user_id, engineer_id = user.id, engineer.id

        def submit(session: Session, i: int) -> None:
            bids.submit_bid(session, challenge=session.get(Challenge, challenge_ids[i]),
                            data=BidCreate(proposal="并发揭榜测试方案", price=Decimal(1)), by=session.get(User, user_id))

        outcomes = run_racing(race_engine, submit)
        won = outcomes.count("ok")
        assert 1 <= won <= 3 and outcomes.count("conflict") == THREADS - won
        # whatever the race left, bidding on afterwards fills exactly up to the capacity
        refused = 0
        for i in range(THREADS):
            with Session(race_engine, expire_on_commit=False) as session:
                try:
                    submit(session, i)
                    session.commit()
                except Conflict:
                    refused += 1
        with Session(race_engine) as session:
            assert session.exec(select(func.count()).select_from(Bid).where(Bid.engineer_id == engineer_id)).one() == 3
        assert refused == THREADS - (3 - won)
