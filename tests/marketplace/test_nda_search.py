"""An invite-only challenge's hidden description and budget do not leak through the hall or its search.

Runs on SQLite (FTS5) and, with XIECHUANG_TEST_DATABASE_URL, on PostgreSQL (pg_trgm)."""

from __future__ import annotations

from decimal import Decimal

from marketplace.challenges.models import NdaAcceptance
from marketplace.challenges.search import HallQuery, search_challenges
from tests.factories import make_challenge, make_user
from tests.helpers import api_headers, login

SECRET = "钛合金叶片裂纹机理"  # only in the hidden description
SHORT = "叶片"  # two characters: the LIKE path


def _secret_challenge(session):
    challenge = make_challenge(session, title="航空部件可靠性提升", visibility="invite",
                               budget=Decimal("7654321"), skills=["疲劳试验"])
    challenge.description = f"保密：{SECRET}，涉及型号参数。"
    session.add(challenge)
    session.flush()
    return challenge


def _ids(session, user, **query) -> set[int]:
    return {c.id for c in search_challenges(session, HallQuery(**query), viewer=user).items}


class TestSearchMatchesPublicFieldsOnly:
    def test_hidden_phrase_finds_nothing_for_outsiders(self, session):
        challenge = _secret_challenge(session)
        uninvited = make_user(session, role="engineer")
        for user in (None, uninvited):
            assert challenge.id not in _ids(session, user, q=SECRET)
            assert challenge.id not in _ids(session, user, q=SHORT)
            # its public title, skills and fields still find it
            assert challenge.id in _ids(session, user, q="可靠性提升")
            assert challenge.id in _ids(session, user, q="疲劳试验")
            # a budget filter would bisect the hidden budget
            assert challenge.id not in _ids(session, user, budget_min=Decimal("7000000"))

    def test_those_who_may_read_it_find_it_by_its_description(self, session):
        challenge = _secret_challenge(session)
        signer = make_user(session, role="engineer")
        session.add(NdaAcceptance(challenge_id=challenge.id, user_id=signer.id))
        owner = make_user(session, role="sme")
        owner.organisation_id = challenge.company_id
        session.flush()
        for user in (signer, owner, make_user(session, role="province")):
            assert challenge.id in _ids(session, user, q=SECRET), user.role
            assert challenge.id in _ids(session, user, budget_min=Decimal("7000000")), user.role


class TestListingsHideBudget:
    def test_hall_page_anonymous_and_uninvited(self, client, session):
        challenge = _secret_challenge(session)
        assert challenge.title not in client.get("/challenges", params={"q": SECRET}).text
        for viewer in (None, make_user(session, role="engineer")):
            if viewer is not None:
                login(client, viewer)
            page = client.get("/challenges", params={"q": "可靠性提升"}).text
            assert challenge.title in page
            assert "765" not in page and SECRET not in page
            detail = client.get(f"/challenges/{challenge.id}").text
            assert "765" not in detail and SECRET not in detail

    def test_api_list_and_detail_hide_budget(self, client, session):
        challenge = _secret_challenge(session)
        headers = api_headers(client, make_user(session, role="engineer"))
        assert client.get("/api/v1/challenges", params={"q": SECRET}, headers=headers).json()["items"] == []
        listed = client.get("/api/v1/challenges", params={"q": "可靠性提升"}, headers=headers).json()["items"]
        mine = next(item for item in listed if item["id"] == challenge.id)
        assert mine["budget"] is None and mine["description"] is None
        assert client.get(f"/api/v1/challenges/{challenge.id}", headers=headers).json()["budget"] is None
