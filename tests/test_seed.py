"""The demo data set, seeded once per module through the real CLI on its own database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from accounts import login as accounts
from accounts.models import Organisation, User
from centers.models import Application, ExpertScore, Incident
from core.clock import now, year_bounds
from core.creditcode import is_valid
from core.db import build_engine
from core.errors import Conflict
from core.eventlog import Event
from core.migrate import upgrade
from marketplace.challenges.models import Bid, Challenge
from marketplace.consultations.models import Answer
from marketplace.execution.models import Collaboration
from seed.accounts import DEMO_ACCOUNTS, DEMO_FIRM
from seed.generate import Gen
from seed.load import load_demo, row_counts
from seed.vocab_clusters import CLUSTERS as SEED_CLUSTERS
from talent.models import Center, Engineer, PoolMembership
from tests.factories import PASSWORD
from tests.scratch import scratch_database

CHALLENGE_STATES = {"draft", "open", "bidding_closed", "awarded", "in_progress", "delivered", "accepted", "closed",
                    "cancelled", "expired"}
CLUSTERS = {"工程机械", "轨道交通装备", "中小航空发动机", "先进储能材料", "自主安全计算", "石化新材料", "输变电装备",
            "生物医药与食品", "有色金属新材料"}


def _cli(url: str, *args: str) -> str:
    env = dict(os.environ, XIECHUANG_DATABASE_URL=url)
    done = subprocess.run([sys.executable, "-c", "from web.cli import main; main()", *args], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def seeded():
    with scratch_database("seed") as url:
        _cli(url, "db", "upgrade")
        _cli(url, "user", "create", "--username", "early_bird", "--password", PASSWORD, "--role", "sme",
             "--org", "先来一步科技有限公司")
        started = time.monotonic()
        first = json.loads(_cli(url, "seed", "demo"))
        seconds = time.monotonic() - started
        second = json.loads(_cli(url, "seed", "demo"))
        engine = build_engine(url)
        yield {"engine": engine, "first": first, "second": second, "seconds": seconds}
        engine.dispose()


@pytest.fixture
def db(seeded):
    with Session(seeded["engine"]) as session:
        yield session
        session.rollback()


def _count(db: Session, stmt) -> int:
    return db.scalar(stmt)


class TestSeedCommand:
    def test_second_run_changes_no_table(self, seeded, db):
        assert seeded["first"] == seeded["second"]
        assert row_counts(db) == seeded["first"]

    def test_seeding_is_fast(self, seeded):
        assert seeded["seconds"] < 120

    def test_volumes_meet_the_issue(self, db):
        assert _count(db, select(func.count()).select_from(Center)) >= 9
        assert _count(db, select(func.count()).select_from(Engineer)) >= 400
        assert _count(db, select(func.count()).where(Organisation.kind == "enterprise")) >= 120
        assert _count(db, select(func.count()).where(Challenge.kind == "challenge")) >= 200
        assert _count(db, select(func.count()).where(Challenge.kind == "consultation")) >= 80


    def test_existing_data_is_kept(self, db):
        user = db.exec(select(User).where(User.username == "early_bird")).one()
        assert db.get(Organisation, user.organisation_id).name == "先来一步科技有限公司"

    def test_a_taken_demo_username_is_refused_cleanly(self):
        with scratch_database("seedtaken") as url:
            upgrade(url)
            engine = build_engine(url)
            try:
                with Session(engine) as session:
                    session.add(User(username="demo_admin", role="admin", password_hash="x"))
                    session.flush()
                    with pytest.raises(Conflict, match="demo_admin"):
                        load_demo(session)
                    session.rollback()
            finally:
                engine.dispose()


class TestContent:
    def test_every_lifecycle_state_is_present(self, db):
        states = set(db.exec(select(Challenge.status).where(Challenge.kind == "challenge")).all())
        assert CHALLENGE_STATES <= states
        consult = set(db.exec(select(Challenge.status).where(Challenge.kind == "consultation")).all())
        assert {"open", "answered", "resolved"} <= consult

    def test_centers_cover_the_clusters_and_statuses(self, db):
        centers = db.exec(select(Center)).all()
        assert CLUSTERS <= {c.cluster for c in centers}
        assert {"申报中", "培育期", "已认定", "整改期"} <= {c.status for c in centers}
        assert all(c.host_org_id and c.platform and c.city and c.site_area_m2 for c in centers)

    def test_every_credit_code_validates(self, db):
        orgs = db.exec(select(Organisation).where(Organisation.name != "先来一步科技有限公司")).all()
        assert len(orgs) >= 150 and all(org.credit_code and is_valid(org.credit_code) for org in orgs)
        regions = set(db.exec(select(Organisation.region).where(Organisation.kind == "enterprise",
                                                                Organisation.region.is_not(None))).all())
        assert len(regions) == 14

    def test_some_engineers_are_in_two_pools(self, db):
        per_engineer = Counter(db.exec(select(PoolMembership.engineer_id)).all())
        assert sum(1 for n in per_engineer.values() if n > 1) >= 20
        bios = db.exec(select(Engineer.bio)).all()
        assert all(60 <= len(b) <= 150 for b in bios)

    def test_budgets_and_deadlines_fit_the_state(self, db):
        today = now().date()
        for c in db.exec(select(Challenge).where(Challenge.kind == "challenge")).all():
            assert 50_000 <= c.budget <= 5_000_000
            if c.status == "open":
                assert c.deadline > today - timedelta(days=1)
            if c.status in ("bidding_closed", "expired", "awarded", "closed"):
                assert c.deadline < today + timedelta(days=1)
            assert "核心指标" in c.description and c.kpis and c.ip_terms and c.solver_conditions

    def test_threaded_answers_with_best_answers_and_escalations(self, db):
        assert _count(db, select(func.count()).where(Answer.parent_id.is_not(None))) > 0
        assert _count(db, select(func.count()).where(Answer.is_best)) >= 20
        assert _count(db, select(func.count()).where(Challenge.escalated_from_id.is_not(None))) >= 3

    def test_one_center_has_a_severe_incident(self, db):
        severe = db.exec(select(Incident).where(Incident.severe)).all()
        assert len(severe) == 1


class TestEventLog:
    def test_both_years_have_events_and_2026_has_more(self, db):
        def in_year(year: int) -> int:
            start, end = year_bounds(year)
            return _count(db, select(func.count()).where(Event.at >= start, Event.at < end))
        assert 0 < in_year(2025) < in_year(2026)

    def test_no_event_is_in_the_future(self, db):
        latest = db.scalar(select(func.max(Event.at)))
        assert latest.replace(tzinfo=None) <= now().replace(tzinfo=None)

    def test_state_changes_are_logged_with_their_ids(self, db):
        published = _count(db, select(func.count()).where(Challenge.published_at.is_not(None),
                                                             Challenge.kind == "challenge"))
        assert _count(db, select(func.count()).where(Event.kind == "challenge.published")) == published
        closed = _count(db, select(func.count()).where(Challenge.status == "closed", Challenge.kind == "challenge"))
        assert _count(db, select(func.count()).where(Event.kind == "challenge.closed")) == closed
        collabs = _count(db, select(func.count()).select_from(Collaboration))
        awarded = _count(db, select(func.count()).where(Event.kind == "challenge.awarded",
                                                        Event.collaboration_id.is_not(None)))
        assert awarded == collabs
        bids = _count(db, select(func.count()).select_from(Bid))
        assert _count(db, select(func.count()).where(Event.kind == "bid.created", Event.engineer_id.is_not(None),
                                                     Event.challenge_id.is_not(None))) == bids
        orphans = _count(db, select(func.count()).where(Event.kind.like("collaboration.%"),
                                                        Event.collaboration_id.is_(None)))
        assert orphans == 0

    def test_collaborations_in_a_center_log_their_work(self, db):
        center = db.exec(select(Center).where(Center.external_id == "XC-CSGJ")).one()
        kinds = set(db.exec(select(Event.kind).where(Event.center_id == center.id)).all())
        assert {"collaboration.accepted", "consultation.answered", "training.held", "booking.created",
                "service.delivered", "pool.joined"} <= kinds


class TestDemoAccounts:
    def test_every_demo_account_signs_in(self, db):
        assert {role for _, _, role, _ in DEMO_ACCOUNTS} == {"sme", "engineer", "center", "city", "province",
                                                             "expert", "admin"}
        for username, password, role, _label in DEMO_ACCOUNTS:
            user = accounts.authenticate(db, username=username, password=password)
            assert user.role == role
        with pytest.raises(Exception):
            accounts.authenticate(db, username="demo_admin", password="wrong-password1")

    def test_demo_users_link_to_real_data(self, db):
        users = {u.role: u for u in db.exec(select(User).where(User.username.like("demo_%"))).all()}
        firm = db.get(Organisation, users["sme"].organisation_id)
        assert firm.name == DEMO_FIRM
        mine = db.exec(select(Challenge).where(Challenge.company_id == firm.id, Challenge.kind == "challenge")).all()
        assert len({c.status for c in mine}) >= 5
        assert any(c.status == "bidding_closed" and
                   _count(db, select(func.count()).where(Bid.challenge_id == c.id)) >= 3 for c in mine)
        engineer_id = users["engineer"].engineer_id
        assert _count(db, select(func.count()).where(Bid.engineer_id == engineer_id)) >= 3
        assert _count(db, select(func.count()).where(Collaboration.lead_engineer_id == engineer_id)) >= 2
        center = db.get(Center, users["center"].center_id)
        assert center.cluster == "工程机械" and center.city == "长沙市"
        assert users["city"].region == "长沙市"
        waiting = db.exec(select(Application).where(Application.status == "expert_review")).all()
        scored = set(db.exec(select(ExpertScore.application_id).where(
            ExpertScore.expert_id == users["expert"].id)).all())
        assert waiting and any(a.id not in scored for a in waiting)


class TestGenerator:
    def test_same_day_gives_the_same_texts(self):
        def sample(gen: Gen) -> list[str]:
            cluster = SEED_CLUSTERS[3]
            out = [gen.person_name(), gen.credit_code("430300"), gen.firm_name("湘潭", cluster.firm_words)]
            text = gen.challenge_text(cluster=cluster, topic=cluster.topics[0], product=cluster.products[0],
                                      firm="湘潭测试新材料有限公司", budget=gen.budget(), deadline=date(2026, 12, 31),
                                      delivery=date(2027, 6, 30))
            return out + [text["description"], text["kpis"]]

        day = date(2026, 11, 29)
        assert sample(Gen(day)) == sample(Gen(day))
        assert sample(Gen(day)) != sample(Gen(day, seed=7))

    def test_generated_credit_codes_validate_and_differ(self):
        gen = Gen(date(2026, 11, 29))
        codes = [gen.credit_code("431000", institution=i % 3 == 0) for i in range(2000)]
        assert len(set(codes)) == len(codes)
        assert all(is_valid(code) and code[2:8] == "431000" for code in codes)
