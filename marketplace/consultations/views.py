"""What the 在线问诊 pages show: plain context dicts."""

from __future__ import annotations

from sqlmodel import Session

from accounts import policy
from accounts.models import Organisation, User
from marketplace.challenges.forms import FormResult
from marketplace.challenges.models import Challenge
from marketplace.consultations import service

PAGE_SIZE = 20


def listing(session: Session, *, user: User, mine: bool, status: str | None, page: int) -> dict:
    rows, total = service.list_consultations(session, user=user, mine=mine, status=status or None,
                                             limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return {
        "items": rows, "total": total, "mine": mine, "status": status or "", "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "can_ask": policy.can_ask_consultation(user),
    }


def detail(session: Session, consultation: Challenge, user: User, *, answer_form: FormResult | None = None,
                    notice: str | None = None) -> dict:
    owner = policy.owns_challenge(user, consultation)
    open_now = consultation.status in service.OPEN_STATES
    tree = service.thread(session, consultation=consultation)
    answered_by_me = any(i.answer.engineer_id == user.engineer_id for i in service.flatten(tree)) if user.engineer_id else False
    return {
        "consultation": consultation, "company": session.get(Organisation, consultation.company_id),
        "tree": tree, "count": len(service.flatten(tree)),
        "can_answer": open_now and policy.can_answer_consultation(user),
        "can_reply": open_now and policy.can_reply_consultation(user, consultation),
        "can_pick_best": owner and open_now, "answered_by_me": answered_by_me,
        "can_escalate": owner, "escalated": service.escalated_challenge(session, consultation=consultation),
        "routed": service.routed_engineers(session, consultation=consultation) if owner else [],
        "answer_form": answer_form or FormResult(), "notice": notice,
    }
