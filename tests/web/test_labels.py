"""Status words come from their enum: every member has one, and an awarded challenge reads 已定榜 everywhere."""

from __future__ import annotations

import re

import pytest

from accounts.models import OrgKind, Role
from marketplace.challenges.models import (
    BidStatus,
    ChallengeKind,
    ChallengeStatus,
    ConsultationStatus,
    Scheme,
    Visibility,
)
from marketplace.challenges.search import HALL_STATUSES
from marketplace.execution.models import CollabStatus, ContractKind, MilestoneStatus, ServiceType
from talent.models import CenterStatus, Engagement, PoolStatus, TalentLevel
from tests.factories import make_challenge, make_org, make_user
from tests.helpers import login

ENUMS = [ChallengeKind, ChallengeStatus, ConsultationStatus, Scheme, Visibility, BidStatus, CollabStatus,
         MilestoneStatus, ContractKind, ServiceType, Role, OrgKind, CenterStatus, Engagement, TalentLevel, PoolStatus]
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("enum", ENUMS, ids=lambda enum: enum.__name__)
def test_every_member_has_its_own_chinese_label(enum):
    labels = [member.label for member in enum]
    assert all(HAN.search(label) for label in labels), labels
    assert len(set(labels)) == len(labels), f"two {enum.__name__} members read the same"
    assert enum.labels() == {member.value: member.label for member in enum}
    assert enum.label_of("no-such-value") == "no-such-value"


def test_hall_filter_offers_each_status_in_its_challenge_word(client):
    page = client.get("/challenges")
    for status in HALL_STATUSES:
        assert f'<option value="{status}">{ChallengeStatus(status).label}</option>' in page.text


def test_awarded_challenge_reads_the_same_word_on_every_page_and_in_the_api(client, session):
    company = make_org(session)
    sme = make_user(session, role="sme", organisation=company)
    challenge = make_challenge(session, company=company, title="已定榜的液压阀", status="awarded")
    word = ChallengeStatus.awarded.label
    assert word == "已定榜" and BidStatus.awarded.label != word  # the old merged dict showed the bid's 中选

    def badge(html: str) -> str:
        found = re.search(r'<span class="status awarded">([^<]*)</span>', html)
        assert found, "no status badge"
        return found.group(1)

    hall = client.get("/challenges", params={"status": "awarded"})
    assert "已定榜的液压阀" in hall.text and badge(hall.text) == word
    assert f'<option value="awarded" selected>{word}</option>' in hall.text
    assert badge(client.get(f"/challenges/{challenge.id}").text) == word
    login(client, sme)
    assert badge(client.get("/firm").text) == word
    assert client.get(f"/api/v1/challenges/{challenge.id}").json()["status_label"] == word
