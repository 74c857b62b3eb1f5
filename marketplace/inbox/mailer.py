"""E-mail: every message is a row in the outbox; it is sent after the transaction that wrote it committed."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from sqlmodel import Session, select

from core.clock import now
from core.db import session_scope
from core.settings import get_settings
from marketplace.inbox.models import OutboxEmail

SMTP_TIMEOUT = 10
log = logging.getLogger(__name__)


def queue_email(session: Session, *, to_address: str, subject: str, body: str) -> OutboxEmail:
    """Keep the message in the outbox; `deliver_pending` sends it once this transaction committed."""
    email = OutboxEmail(to_address=to_address, subject=subject[:200], body=body)
    session.add(email)
    session.flush()
    return email


def deliver(email: OutboxEmail) -> bool:
    """Send one outbox message through SMTP; a failure is recorded, never raised."""
    settings = get_settings()
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message.set_content(email.body)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        email.error = f"{type(exc).__name__}: {exc}"[:500]
        return False
    email.sent_at = now()
    email.error = None
    return True


def deliver_pending(session: Session, *, limit: int = 500) -> dict[str, int]:
    """Send unsent outbox messages (only when SMTP is configured); what a worker or `xiechuang notify send` runs."""
    if not get_settings().smtp_host:
        return {"sent": 0, "failed": 0, "pending": len(session.exec(select(OutboxEmail.id).where(
            OutboxEmail.sent_at.is_(None))).all())}
    # two senders at once (PostgreSQL) skip each other's rows instead of mailing them twice
    pending = session.exec(select(OutboxEmail).where(OutboxEmail.sent_at.is_(None)).order_by(OutboxEmail.id)
                           .limit(limit).with_for_update(skip_locked=True)).all()
    sent = sum(deliver(email) for email in pending)
    session.flush()
    return {"sent": sent, "failed": len(pending) - sent, "pending": 0}


def send_outbox() -> None:
    """Run after a request's transaction committed (a background task): send the outbox in a session of its
    own. A failure is logged, never raised: the request has already succeeded."""
    try:
        with session_scope() as session:
            deliver_pending(session)
    except Exception:  # noqa: BLE001 - the database or SMTP may be down; the outbox keeps the mail for a retry
        log.exception("sending the outbox failed")
