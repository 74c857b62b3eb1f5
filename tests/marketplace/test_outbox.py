"""E-mail leaves only from the outbox, after the transaction that wrote it committed."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

import httpx
from sqlmodel import Session, select

from accounts import service as accounts
from accounts.models import User
from core.db import build_engine
from core.settings import get_settings
from marketplace.challenges import service as challenges
from marketplace.challenges.models import Bid
from marketplace.challenges.schemas import ChallengeCreate
from marketplace.inbox.mailer import deliver_pending
from marketplace.inbox.models import OutboxEmail
from marketplace.inbox.service import notify
from tests.factories import make_user
from tests.marketplace.test_notifications import outbox_to
from tests.scratch import scratch_database
from tests.servers import cli, running_app

PASSWORD = "Xc-river-7421-lamp"  # passes the strength policy
SECRET = "outbox-test-shares-this-secret-key-0123456789"


class TinySmtp:
    """A minimal SMTP server on 127.0.0.1 that keeps the messages it receives (one connection at a time)."""

    def __init__(self, on_message: Callable[[str], None] | None = None) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        self.messages: list[str] = []
        self.on_message = on_message
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        while True:
            conn, _ = self.sock.accept()
            with conn:
                self.converse(conn)

    def converse(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        conn.sendall(b"220 tiny\r\n")
        while line := reader.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                conn.sendall(b"354 go\r\n")
                chunks = []
                while (data := reader.readline()) not in (b".\r\n", b""):
                    chunks.append(data)
                message = b"".join(chunks).decode("utf-8", "replace")
                if self.on_message is not None:
                    self.on_message(message)
                self.messages.append(message)
                conn.sendall(b"250 ok\r\n")
            elif verb == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                break
            else:
                conn.sendall(b"250 ok\r\n")


def smtp_at(monkeypatch, port: int) -> None:
    settings = get_settings()
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(settings, "smtp_port", port)


def test_notify_only_writes_the_outbox_and_deliver_pending_sends_it(session, monkeypatch):
    server = TinySmtp()
    smtp_at(monkeypatch, server.port)
    user = make_user(session)
    user.email = "smtp@example.cn"
    notify(session, user_ids=[user.id], kind="x", title="验收通过")
    mail = outbox_to(session, "smtp@example.cn")[0]
    assert mail.sent_at is None and server.messages == []  # nothing talks SMTP inside the transaction
    assert deliver_pending(session)["sent"] >= 1
    assert mail.sent_at is not None and mail.error is None
    assert len(server.messages) == 1 and "smtp@example.cn" in server.messages[0]


def test_unreachable_smtp_is_recorded_not_raised(session, monkeypatch):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    smtp_at(monkeypatch, closed.getsockname()[1])
    closed.close()
    user = make_user(session)
    user.email = "down@example.cn"
    notify(session, user_ids=[user.id], kind="x", title="提醒")
    assert deliver_pending(session)["failed"] >= 1
    mail = outbox_to(session, "down@example.cn")[0]
    assert mail.sent_at is None and mail.error


def test_the_app_mails_after_commit_and_a_failed_request_mails_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(get_settings(), "secret_key", SECRET)  # tokens made here are honoured by the server
    with scratch_database("outbox") as url:
        cli(url, tmp_path, "db", "upgrade")
        cli(url, tmp_path, "user", "create", "--username", "firm", "--password", PASSWORD, "--role", "sme",
            "--org", "邮件测试机械有限公司")
        cli(url, tmp_path, "user", "create", "--username", "eng", "--password", PASSWORD, "--role", "engineer",
            "--engineer", "E-M1", "--name", "李工")
        engine = build_engine(url)
        with Session(engine, expire_on_commit=False) as db:
            firm, eng = (db.exec(select(User).where(User.username == name)).one() for name in ("firm", "eng"))
            firm.email = "firm@example.cn"  # the firm wants each notification by e-mail at once
            challenge = challenges.create_challenge(db, by=firm, data=ChallengeCreate(
                title="减速机温升超标", description="齿轮减速机满载运行两小时后温升超过60K，需要查明原因", budget=80000))
            # a message an earlier run could not send waits in the outbox
            db.add(OutboxEmail(to_address="earlier@example.cn", subject="【协创】较早的通知", body="待发送"))
            db.commit()
            firm_auth, eng_auth = ({"Authorization": f"Bearer {accounts.issue_token(u)}"} for u in (firm, eng))
        bids_when_mailed: list[int] = []

        def count_bids(_message: str) -> None:  # what another connection sees while the mail goes out
            with Session(engine) as db:
                bids_when_mailed.append(len(db.exec(select(Bid.id)).all()))

        server = TinySmtp(on_message=count_bids)
        env = {"XIECHUANG_SECRET_KEY": SECRET, "XIECHUANG_SMTP_HOST": "127.0.0.1",
               "XIECHUANG_SMTP_PORT": str(server.port)}
        with running_app(url, tmp_path, extra_env=env) as base:
            bids_url = f"{base}/api/v1/challenges/{challenge.id}/bids"
            refused = httpx.post(bids_url, headers=firm_auth, json={"proposal": "企业不能给自己揭榜", "price": 1})
            assert refused.status_code == 403
            time.sleep(1)  # time enough for a background task, were there one
            assert server.messages == []  # a failed request sends nothing, not even what was waiting

            made = httpx.post(bids_url, headers=eng_auth, json={"proposal": "先测油温与轴承游隙，再核算齿面接触",
                                                                 "price": 70000})
            assert made.status_code == 201, made.text
            deadline = time.monotonic() + 20  # the response comes first, the mail right after it
            while len(server.messages) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
        assert len(server.messages) == 2
        assert any("To: earlier@example.cn" in m for m in server.messages)
        assert any("To: firm@example.cn" in m for m in server.messages)  # told of the bid
        assert bids_when_mailed == [1, 1]  # the bid was committed before any mail left
        with Session(engine) as db:
            assert all(m.sent_at is not None for m in db.exec(select(OutboxEmail)).all())
        engine.dispose()
