"""What follows a consultation step: the service does it, then the people it concerns are told."""

from __future__ import annotations

from sqlmodel import Session, col, select

from accounts.models import User
from core.eventlog import take_appended
from marketplace.challenges.models import Challenge
from marketplace.consultations import service as consultations
from marketplace.consultations.models import Answer
from marketplace.consultations.schemas import AnswerCreate, ConsultationCreate
from marketplace.execution.schemas import RatingIn
from marketplace.inbox.service import notify, notify_appended
from marketplace.ranker import RankEngineers


def ask_flow(session: Session, *, by: User, data: ConsultationCreate, rank: RankEngineers | None = None,
             top: int = consultations.ROUTE_TOP) -> Challenge:
    """Post the question and route it: the engineers it was routed to are told, no one else."""
    consultation = consultations.ask(session, by=by, data=data, rank=rank, top=top)
    for event in take_appended(session):
        if event.kind != "consultation.routed" or not event.data["engineers"]:
            continue
        engineer_users = session.exec(select(User.id).where(col(User.engineer_id).in_(event.data["engineers"]))).all()
        notify(session, user_ids=engineer_users, kind="consultation.routed", title=f"新的在线问诊：{consultation.title}",
               body="企业向您提出了一个技术问题，期待您的解答。", link=f"/consultations/{consultation.id}",
               event_id=event.id)
    return consultation


def answer_flow(session: Session, *, consultation: Challenge, by: User, data: AnswerCreate) -> Answer:
    """An answer or a reply: those the answer concerns are told, and the author of the answer replied to."""
    reply = consultations.answer(session, consultation=consultation, by=by, data=data)
    told = notify_appended(session, body=data.body[:120])
    parent_author = session.get(Answer, data.parent_id).author_id if data.parent_id else None
    if parent_author not in (None, by.id):
        notify(session, user_ids=[parent_author], kind="consultation.replied", title=f"问诊有新回复：{consultation.title}",
               body=data.body[:120], link=f"/consultations/{consultation.id}", event_id=told[-1].id if told else None)
    return reply


def best_answer_flow(session: Session, *, consultation: Challenge, answer_id: int, by: User,
                     rating: RatingIn | None = None) -> Answer:
    """The firm adopts an answer: its engineer is told (the rating given with it tells no one)."""
    best = consultations.mark_best(session, consultation=consultation, answer_id=answer_id, by=by, rating=rating)
    notify_appended(session, body="您的答复被企业采纳为最佳答复。", kinds={"consultation.best_answer"})
    return best


def escalate_flow(session: Session, *, consultation: Challenge, by: User) -> Challenge:
    """转为揭榜: the engineer of the best answer and the center are told (a repeat tells no one again)."""
    draft = consultations.escalate(session, consultation=consultation, by=by)
    notify_appended(session)
    return draft
