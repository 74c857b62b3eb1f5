"""find_by_ref: external id first (or database id first), names, refusals of unusable references."""

from __future__ import annotations

import pytest

from core.errors import NotFound
from core.lookup import MAX_ID, find_by_ref
from marketplace.challenges.service import find_challenge, get_challenge
from talent.models import Center, Engineer
from talent.service import find_center, find_engineer, get_engineer
from tests.factories import make_center, make_challenge, make_engineer


class TestFindByRef:
    def test_external_id_then_database_id(self, session):
        engineer = make_engineer(session, external_id="E-LOOKUP")
        assert find_by_ref(session, Engineer, "E-LOOKUP") == engineer
        assert find_by_ref(session, Engineer, f" {engineer.id} ") == engineer
        assert find_by_ref(session, Engineer, engineer.id) == engineer

    def test_external_id_wins_unless_id_first(self, session):
        first = make_engineer(session, name="甲工")
        second = make_engineer(session, name="乙工", external_id=str(first.id))
        assert find_by_ref(session, Engineer, first.id) == second
        assert find_by_ref(session, Engineer, first.id, id_first=True) == first

    def test_names_are_matched_like_external_ids(self, session):
        center = make_center(session, name="查找测试工程师协同创新中心")
        assert find_by_ref(session, Center, "查找测试工程师协同创新中心", names=("name",)) == center
        assert find_by_ref(session, Center, "查找测试工程师协同创新中心") is None

    @pytest.mark.parametrize("ref", ["", "   ", "E-\x00", "x" * 121, str(MAX_ID + 1), "0", "-1", "١٢", "²"])
    def test_unusable_references_find_nothing(self, session, ref):
        assert find_by_ref(session, Engineer, ref) is None

    def test_not_found_message(self, session):
        with pytest.raises(NotFound) as caught:
            find_by_ref(session, Engineer, "E-NONE", not_found_message="工程师“E-NONE”不存在")
        assert caught.value.message == "工程师“E-NONE”不存在"


class TestDomainLookups:
    def test_engineer(self, session):
        engineer = make_engineer(session, external_id="E-DOMAIN")
        assert find_engineer(session, "E-DOMAIN") == get_engineer(session, str(engineer.id)) == engineer
        with pytest.raises(NotFound, match="工程师“E-MISSING”不存在"):
            get_engineer(session, "E-MISSING")

    def test_challenge_prefers_its_database_id(self, session):
        challenge = make_challenge(session)
        assert find_challenge(session, str(challenge.id)) == get_challenge(session, challenge.id) == challenge
        with pytest.raises(NotFound, match="榜单“99999999999”不存在"):
            get_challenge(session, "99999999999")

    def test_center_by_name_external_id_or_id(self, session):
        center = make_center(session)
        center.external_id = "XC-LOOKUP"
        session.flush()
        assert find_center(session, center.name) == find_center(session, "XC-LOOKUP") == center
        assert find_center(session, str(center.id)) == center
