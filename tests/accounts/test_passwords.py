"""Password strength: length 10+, zxcvbn score 3+ with the person's own names, common passwords refused in Chinese."""

from __future__ import annotations

import pytest
from sqlmodel import select

from accounts import service
from accounts.models import User
from core.errors import Invalid
from seed.accounts import DEMO_PASSWORD
from tests.factories import PASSWORD, make_user
from tests.helpers import login


@pytest.mark.parametrize("weak,reason", [
    ("password1", "至少需要10位"),
    ("aaaaaaa1", "至少需要10位"),
    ("password12", "常见密码"),
    ("aaaaaaaaa1", "重复"),
    ("1qaz2wsx3edc", "密码太容易被猜到"),
    ("zhangwei2026", "用户名或姓名"),
])
def test_a_weak_password_is_refused_with_a_chinese_reason_and_nothing_stored(session, weak, reason):
    with pytest.raises(Invalid, match=reason) as refused:
        service.create_user(session, username="zhangwei", password=weak, role="sme", display_name="张伟")
    assert refused.value.field == "password"
    assert session.exec(select(User).where(User.username == "zhangwei")).first() is None


def test_a_strong_password_is_accepted(session):
    assert service.create_user(session, username="lisi", password=PASSWORD, role="expert").id


def test_the_admin_form_says_why_next_to_the_field(client, session):
    csrf = login(client, make_user(session, role="admin"))
    page = client.post("/admin/users", data={"csrf_token": csrf, "username": "new_firm", "password": "password12",
                                             "role": "sme", "org": "弱密码测试企业"})
    assert page.status_code == 422 and 'id="e-password"' in page.text and "常见密码" in page.text


def test_demo_accounts_bypass_the_policy_only_where_the_seed_creates_them(session):
    with pytest.raises(Invalid):
        service.create_user(session, username="real_user", password=DEMO_PASSWORD, role="sme")
    assert service.create_user(session, username="seeded", password=DEMO_PASSWORD, role="sme", enforce_policy=False).id
