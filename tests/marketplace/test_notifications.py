"""Notifications: inbox rows, e-mail now or in the daily digest, recipients of events, API and pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal

from sqlmodel import select

from accounts import service as accounts
from accounts.models import Organisation
from core import eventlog as events
from core.clock import now, today
from core.migrate import upgrade
from marketplace.challenges import bids
from marketplace.execution import service as execution
from marketplace.execution.schemas import MilestoneCreate
from marketplace.flows import sweep_flow
from marketplace.inbox.models import Notification, OutboxEmail
from marketplace.inbox.service import (
    build_digests,
    notify,
    notify_for_event,
    unread_count,
)
from tests.factories import make_center, make_challenge, make_org, make_user
from tests.helpers import login
from tests.marketplace.core_helpers import bid, market
from tests.scratch import scratch_database


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {accounts.issue_token(user)}"}


def titles(session, user, kind: str) -> list[str]:
    return list(session.exec(select(Notification.title).where(Notification.user_id == user.id,
                                                              Notification.kind == kind)).all())


def outbox_to(session, address: str) -> list[OutboxEmail]:
    return list(session.exec(select(OutboxEmail).where(OutboxEmail.to_address == address)).all())


class TestNotify:
    def test_instant_user_gets_an_inbox_item_and_an_email(self, session):
        user = make_user(session)
        user.email = "firm@example.cn"
        notify(session, user_ids=[user.id, user.id, None], kind="bid.created", title="收到新的揭榜申请",
               body="张工提交了揭榜申请", link="/challenges/1")
        items = session.exec(select(Notification).where(Notification.user_id == user.id)).all()
        assert len(items) == 1 and items[0].emailed_at is not None
        mails = outbox_to(session, "firm@example.cn")
        assert len(mails) == 1 and mails[0].subject == "【协创】收到新的揭榜申请"
        assert "/challenges/1" in mails[0].body and mails[0].sent_at is None  # no SMTP configured: kept in the outbox

    def test_user_without_email_only_gets_the_inbox_item(self, session):
        user = make_user(session)
        before = len(session.exec(select(OutboxEmail)).all())
        notify(session, user_ids=[user.id], kind="x", title="站内提醒")
        assert unread_count(session, user=user) == 1
        assert len(session.exec(select(OutboxEmail)).all()) == before

    def test_daily_digest_holds_items_then_sends_one_email_with_the_unread_ones(self, session):
        user = make_user(session)
        user.email, user.digest_daily = "digest@example.cn", True
        first, second, third = (notify(session, user_ids=[user.id], kind="x", title=f"第{i}条")[0] for i in (1, 2, 3))
        assert outbox_to(session, "digest@example.cn") == []
        second.read_at = now()
        session.flush()
        assert build_digests(session)["users"] >= 1
        mails = outbox_to(session, "digest@example.cn")
        assert len(mails) == 1 and "2 条未读" in mails[0].subject
        assert "第1条" in mails[0].body and "第3条" in mails[0].body and "第2条" not in mails[0].body
        build_digests(session, at=now() + timedelta(days=1))
        assert len(outbox_to(session, "digest@example.cn")) == 1  # nothing new since the last digest
        notify(session, user_ids=[user.id], kind="x", title="第4条")
        build_digests(session, at=now() + timedelta(days=1))
        latest = outbox_to(session, "digest@example.cn")
        assert len(latest) == 2 and "第4条" in latest[-1].body and "第1条" not in latest[-1].body


class TestEventRecipients:
    def test_firm_engineer_and_center_are_told_but_not_the_actor_or_strangers(self, session):
        center = make_center(session)
        firm = make_org(session)
        challenge = make_challenge(session, company=firm, center=center)
        poster = make_user(session, organisation=firm)
        colleague = make_user(session, organisation=firm)
        engineer_user = make_user(session, role="engineer")
        operator = make_user(session, role="center", center=center)
        stranger = make_user(session)
        other_operator = make_user(session, role="center", center=make_center(session))
        event = events.record(session, "bid.created", actor_id=engineer_user.id, challenge_id=challenge.id,
                              engineer_id=engineer_user.engineer_id, organisation_id=firm.id)
        sent = notify_for_event(session, event)
        told = {n.user_id for n in sent}
        assert told == {poster.id, colleague.id, operator.id}
        assert engineer_user.id not in told and stranger.id not in told and other_operator.id not in told
        assert all(n.link == f"/challenges/{challenge.id}" and n.event_id == event.id for n in sent)
        assert sent[0].title == f"提交揭榜申请：{challenge.title}"


class TestSweep:
    """`xiechuang sweep` runs sweep_flow: what it records is told like any action in the app."""

    def test_expiry_and_auto_acceptance_reach_the_firm_and_the_engineers(self, session):
        m = market(session)
        stale = make_challenge(session, company=session.get(Organisation, m.firm.organisation_id),
                               title="过期未揭的榜单", deadline=today() - timedelta(days=1))
        collaboration = bids.award(session, challenge=m.challenge, bid=bid(session, m, 0), by=m.firm)
        milestone = execution.add_milestone(session, collaboration=collaboration, challenge=m.challenge, by=m.firm,
                                            data=MilestoneCreate(title="样机试制", amount=Decimal("10000"),
                                                                 due_date=today() + timedelta(days=10)))
        execution.submit_milestone(session, milestone=milestone, collaboration=collaboration, challenge=m.challenge,
                                   by=m.users[0])
        milestone.auto_accept_at = now() - timedelta(seconds=1)  # the firm let the check period pass
        session.add(milestone)
        session.flush()

        counts = sweep_flow(session)

        assert counts["expired"] >= 1 and counts["milestones_auto_accepted"] >= 1
        assert f"榜单过期：{stale.title}" in titles(session, m.firm, "challenge.expired")
        assert titles(session, m.users[0], "milestone.auto_accepted") == [f"里程碑自动验收：{m.challenge.title}"]
        assert titles(session, m.firm, "milestone.auto_accepted") == [f"里程碑自动验收：{m.challenge.title}"]
        assert titles(session, m.users[1], "milestone.auto_accepted") == []  # not on the collaboration


class TestApi:

    def test_anonymous_is_401(self, client):
        assert client.get("/api/v1/notifications").status_code == 401
        assert client.post("/api/v1/notifications/read-all").status_code == 401

    def test_list_mark_one_and_all(self, client, session):
        user = make_user(session)
        items = [notify(session, user_ids=[user.id], kind="x", title=f"通知{i}")[0] for i in range(3)]
        body = client.get("/api/v1/notifications", headers=bearer(user)).json()
        assert body["unread"] == 3 and body["total"] == 3 and {i["title"] for i in body["items"]} == {"通知0", "通知1", "通知2"}
        done = client.post(f"/api/v1/notifications/{items[0].id}/read", headers=bearer(user))
        assert done.status_code == 200 and done.json()["read_at"]
        assert client.get("/api/v1/notifications/unread-count", headers=bearer(user)).json() == {"unread": 2}
        assert client.get("/api/v1/notifications?unread=true", headers=bearer(user)).json()["total"] == 2
        assert client.post("/api/v1/notifications/read-all", headers=bearer(user)).json() == {"marked": 2}
        assert client.get("/api/v1/notifications/unread-count", headers=bearer(user)).json() == {"unread": 0}

    def test_someone_elses_notification_is_404(self, client, session):
        owner, other = make_user(session), make_user(session)
        item = notify(session, user_ids=[owner.id], kind="x", title="私人")[0]
        assert client.get("/api/v1/notifications", headers=bearer(other)).json()["total"] == 0
        assert client.post(f"/api/v1/notifications/{item.id}/read", headers=bearer(other)).status_code == 404

    def test_preferences_and_bad_limit(self, client, session):
        user = make_user(session)
        put = client.put("/api/v1/notifications/preferences", json={"digest_daily": True}, headers=bearer(user))
        assert put.status_code == 200 and put.json() == {"digest_daily": True}
        assert client.get("/api/v1/notifications?limit=0", headers=bearer(user)).status_code == 422
        assert client.put("/api/v1/notifications/preferences", json={"digest_daily": "很多"},
                          headers=bearer(user)).status_code == 422


class TestPages:
    def test_badge_counts_unread_and_is_empty_for_visitors(self, client, session):
        assert client.get("/notifications/badge").status_code == 204
        user = make_user(session)
        login(client, user)
        assert 'class="badge"' not in client.get("/notifications/badge").text
        notify(session, user_ids=[user.id], kind="x", title="新消息")
        notify(session, user_ids=[user.id], kind="x", title="又一条")
        assert '<span class="badge" aria-label="2 条未读">2</span>' in client.get("/notifications/badge").text

    def test_inbox_lists_and_marks_read_with_htmx(self, client, session):
        user = make_user(session)
        item = notify(session, user_ids=[user.id], kind="x", title="揭榜申请已提交", link="/challenges/9")[0]
        token = login(client, user)
        page = client.get("/notifications")
        assert page.status_code == 200 and "揭榜申请已提交" in page.text and "1</strong> 条未读" in page.text
        partial = client.post(f"/notifications/{item.id}/read", headers={"HX-Request": "true", "X-CSRF-Token": token})
        assert partial.status_code == 200 and 'id="inbox-list"' in partial.text and "<html" not in partial.text
        assert "条未读" not in partial.text

    def test_view_button_marks_read_and_follows_the_link(self, client, session):
        user = make_user(session)
        item = notify(session, user_ids=[user.id], kind="x", title="去看看", link="/challenges/9")[0]
        token = login(client, user)
        done = client.post(f"/notifications/{item.id}/read", data={"csrf_token": token, "go": "true"},
                           follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == "/challenges/9"
        assert unread_count(session, user=user) == 0

    def test_forms_need_csrf_and_login(self, client, session):
        user = make_user(session)
        session.commit()  # the error response rolls the request's session back
        assert client.get("/notifications", follow_redirects=False).status_code == 303
        login(client, user)
        assert client.post("/notifications/read-all").status_code == 403

    def test_digest_preference_from_the_page(self, client, session):
        user = make_user(session)
        token = login(client, user)
        done = client.post("/notifications/preferences", data={"csrf_token": token, "digest": "daily"})
        assert done.status_code == 200 and "通知偏好已保存" in done.text
        session.refresh(user)
        assert user.digest_daily is True


def test_digest_command_runs_against_a_real_database(tmp_path):
    with scratch_database("digest") as url:
        upgrade(url)
        env = {**os.environ, "XIECHUANG_DATABASE_URL": url, "XIECHUANG_VAR_DIR": str(tmp_path / "var")}
        result = subprocess.run([sys.executable, "-c", "from web.cli import main; main()", "notify", "digest"],
                                env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == {"users": 0, "items": 0}
