"""A roster import creates engineers and updates only those whose profile the importing center owns."""

from __future__ import annotations

from sqlmodel import select

from talent.models import Engineer, PoolMembership
from tests.centers.factories import join_pool
from tests.factories import make_center, make_engineer, make_user
from tests.helpers import login


def _import(client, token, csv_text: str):
    return client.post("/center/pool/import", data={"csrf_token": token},
                       files={"file": ("roster.csv", csv_text.encode("utf-8-sig"), "text/csv")})


def _pool_of(session, engineer) -> set[int]:
    return set(session.exec(select(PoolMembership.center_id).where(PoolMembership.engineer_id == engineer.id)))


class TestRosterOwnership:
    def test_another_centers_engineer_is_refused_and_unchanged(self, client, session):
        other = make_center(session)
        victim = join_pool(session, other, external_id="E-VICTIM", name="周工")
        attacker = make_center(session)
        token = login(client, make_user(session, role="center", center=attacker))
        response = _import(client, token, "编号,姓名,人才层次\nE-VICTIM,冒名者,国家级\n")
        assert response.status_code == 422
        assert "E-VICTIM" in response.text and "不能修改" in response.text
        session.refresh(victim)
        assert (victim.name, victim.talent_level) == ("周工", "none")
        assert _pool_of(session, victim) == {other.id}

    def test_engineer_with_own_account_is_refused(self, client, session):
        center = make_center(session)
        engineer = join_pool(session, center, external_id="E-SELF", name="吴工")
        make_user(session, role="engineer", engineer=engineer)
        token = login(client, make_user(session, role="center", center=center))
        assert _import(client, token, "编号,姓名\nE-SELF,改名\n").status_code == 422
        session.refresh(engineer)
        assert engineer.name == "吴工"

    def test_unknown_engineer_in_no_pool_is_refused(self, client, session):
        loner = make_engineer(session, external_id="E-LONER", name="郑工")
        token = login(client, make_user(session, role="center", center=make_center(session)))
        assert _import(client, token, "编号,姓名\nE-LONER,改名\n").status_code == 422
        session.refresh(loner)
        assert loner.name == "郑工" and _pool_of(session, loner) == set()

    def test_own_roster_engineer_is_updated(self, client, session):
        center = make_center(session)
        token = login(client, make_user(session, role="center", center=center))
        assert _import(client, token, "编号,姓名\nE-OWN,王工\n").status_code in (200, 303)
        response = _import(client, token, "编号,姓名,职称\nE-OWN,王工程师,高级工程师\nE-NEW,冯工,\n")
        assert response.status_code in (200, 303)
        engineers = {e.external_id: e for e in _engineers(session, "E-OWN", "E-NEW")}
        assert engineers["E-OWN"].name == "王工程师" and engineers["E-OWN"].title == "高级工程师"
        assert _pool_of(session, engineers["E-NEW"]) == {center.id}

    def test_database_id_is_not_an_external_id(self, client, session):
        other = make_center(session)
        victim = join_pool(session, other, name="陈工")
        token = login(client, make_user(session, role="center", center=make_center(session)))
        _import(client, token, f"编号,姓名\n{victim.id},冒名者\n")
        session.refresh(victim)
        assert victim.name == "陈工" and _pool_of(session, victim) == {other.id}

    def test_duplicate_external_id_in_file_is_refused(self, client, session):
        token = login(client, make_user(session, role="center", center=make_center(session)))
        response = _import(client, token, "编号,姓名\nE-DUP,甲工\nE-DUP,乙工\n")
        assert response.status_code == 422 and "重复" in response.text


def _engineers(session, *external_ids):
    return session.exec(select(Engineer).where(Engineer.external_id.in_(external_ids))).all()
