"""E-mail: every message is kept in the outbox; with SMTP configured it is also sent at once."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from sqlmodel import Session, select

from core.clock import now
from core.settings import get_settings
from marketplace.inbox.models import OutboxEmail

SMTP_TIMEOUT = 10


def queue_email(session: Session, *, to_address: str, subject: str, body: str) -> OutboxEmail:
    """Keep the message in the outbox and, when SMTP is configured, send it now."""
    email = OutboxEmail(to_address=to_address, subject=subject[:200], body=body)
    session.add(email)
    session.flush()
    if get_settings().smtp_host:
        deliver(email)
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
    """Retry unsent outbox messages (only when SMTP is configured)."""
    if not get_settings().smtp_host:
        return {"sent": 0, "failed": 0, "pending": len(session.exec(select(OutboxEmail.id).where(
            OutboxEmail.sent_at.is_(None))).all())}
    pending = session.exec(select(OutboxEmail).where(OutboxEmail.sent_at.is_(None)).order_by(OutboxEmail.id)
                           .limit(limit)).all()
    sent = sum(deliver(email) for email in pending)
    session.flush()
    return {"sent": sent, "failed": len(pending) - sent, "pending": 0}
