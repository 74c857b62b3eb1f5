"""在线问诊: a firm's short question, routed at once to the best-matched engineers.

ask → route (invitations) → threaded answers → best answer and
rating (resolved) → optionally 转为揭榜, a draft challenge that carries the
question, the answers and the engineers involved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from accounts import policy
from accounts.models import User
from core import eventlog as events
from core.changes import mark_changed
from core.clock import now
from core.errors import Conflict, Invalid
from core.templating import cn_date
from marketplace.challenges.models import (
    Challenge,
    ChallengeKind,
    ChallengeStatus,
    Invitation,
)
from marketplace.consultations.models import Answer
from marketplace.consultations.schemas import (
    AnswerCreate,
    ConsultationCreate,
)
from marketplace.execution.models import Rating
from marketplace.execution.schemas import RatingIn
from marketplace.ranker import RankEngineers
from talent.models import Engineer, PoolMembership

ROUTE_TOP = 5
ROUTE_RELATIVE_FLOOR = 0.3  # route only engineers scoring at least this share of the best score
OPEN_STATES = (ChallengeStatus.open, ChallengeStatus.answered)


# ---------------------------------------------------------------- ask and route

def ask(session: Session, *, by: User, data: ConsultationCreate, rank: RankEngineers | None = None,
        top: int = ROUTE_TOP) -> Challenge:
    """Post the question for the user's firm and route it at once (with the matcher when given one)."""
    policy.require(policy.can_ask_consultation(by), "只有企业用户可以发起在线问诊")
    moment = now()
    consultation = Challenge(kind=ChallengeKind.consultation, title=data.title, description=data.description,
                             company_id=by.organisation_id, posted_by_id=by.id, fields=data.fields,
                             skills=data.skills, region=data.region, status=ChallengeStatus.open,
                             published_at=moment, created_at=moment, updated_at=moment)
    session.add(consultation)
    session.flush()
    events.record(session, "consultation.asked", actor_id=by.id, at=moment, organisation_id=by.organisation_id,
                  challenge_id=consultation.id, subject=("challenge", consultation.id))
    mark_changed(session, "challenges", consultation.id)
    route(session, consultation=consultation, by=by, rank=rank, top=top)
    return consultation


def rank_for(session: Session, *, consultation: Challenge, rank: RankEngineers | None,
             top: int) -> tuple[list[tuple[int, float]], str]:
    """(engineer id, score) best first, from the matcher when given one, else by overlap."""
    if rank is not None:
        ranked = rank(session, challenge=consultation, top=top)
        if ranked:
            floor = ROUTE_RELATIVE_FLOOR * max(float(score) for _, score, _ in ranked)
            return [(engineer_id, float(score)) for engineer_id, score, _ in ranked if float(score) >= floor], "matching"
    return overlap_ranking(session, consultation=consultation, top=top), "overlap"


def overlap_ranking(session: Session, *, consultation: Challenge, top: int) -> list[tuple[int, float]]:
    """Field and skill overlap (skills weigh double), a small bonus for the same region."""
    wanted_skills, wanted_fields = set(consultation.skills or []), set(consultation.fields or [])
    if not wanted_skills and not wanted_fields:
        return []
    best = 2 * len(wanted_skills) + len(wanted_fields) + 0.5
    scored = []
    for engineer in session.exec(select(Engineer).where(Engineer.available.is_(True))).all():
        overlap = 2 * len(wanted_skills & set(engineer.skills or [])) + len(wanted_fields & set(engineer.fields or []))
        if overlap == 0:
            continue
        bonus = 0.5 if consultation.region and engineer.region == consultation.region else 0.0
        scored.append((engineer.id, round((overlap + bonus) / best, 4)))
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored[:top]


def route(session: Session, *, consultation: Challenge, by: User, rank: RankEngineers | None = None,
          top: int = ROUTE_TOP) -> list[Invitation]:
    """Invite the N best-matched engineers (consultations/flows.py tells them)."""
    policy.require(policy.can_edit_challenge(by, consultation), "只能为本企业的问诊邀请工程师")
    ranked, ranker = rank_for(session, consultation=consultation, rank=rank, top=top)
    invited = set(session.exec(select(Invitation.engineer_id).where(Invitation.challenge_id == consultation.id)).all())
    invitations = []
    for engineer_id, score in ranked:
        if engineer_id in invited:
            continue
        invitation = Invitation(challenge_id=consultation.id, engineer_id=engineer_id, source="route",
                                score=score, invited_by_id=by.id)
        session.add(invitation)
        invitations.append(invitation)
    session.flush()
    events.record(session, "consultation.routed", actor_id=by.id,
                  organisation_id=consultation.company_id, challenge_id=consultation.id,
                  subject=("challenge", consultation.id),
                  data={"engineers": [i.engineer_id for i in invitations], "ranker": ranker})
    return invitations


# ---------------------------------------------------------------- answers

def pool_center_id(session: Session, engineer_id: int | None) -> int | None:
    """The engineer's home center: the earliest active pool membership."""
    if engineer_id is None:
        return None
    return session.exec(select(PoolMembership.center_id).where(
        PoolMembership.engineer_id == engineer_id, PoolMembership.status == "active")
        .order_by(PoolMembership.joined_on, PoolMembership.id)).first()


def answer(session: Session, *, consultation: Challenge, by: User, data: AnswerCreate) -> Answer:
    """An engineer answers, or anyone in the thread replies to an answer (parent_id)."""
    policy.require(policy.can_reply_consultation(by, consultation), "只有工程师可以解答，发问企业可以追问")
    if consultation.status not in OPEN_STATES:
        raise Conflict("该问诊已解决或已关闭，不能再答复")
    is_engineer = by.engineer_id is not None and by.role == "engineer"
    if data.parent_id is not None:
        parent = session.get(Answer, data.parent_id)
        if parent is None or parent.challenge_id != consultation.id:
            raise Invalid("所回复的答复不存在", field="parent_id")
    elif not is_engineer:
        raise Invalid("企业的追问需要指定所回复的答复", field="parent_id")
    moment = now()
    reply = Answer(challenge_id=consultation.id, author_id=by.id, engineer_id=by.engineer_id if is_engineer else None,
                   parent_id=data.parent_id, body=data.body, created_at=moment)
    session.add(reply)
    session.flush()
    if is_engineer and consultation.status == ChallengeStatus.open:
        session.execute(update(Challenge).where(Challenge.id == consultation.id, Challenge.status == ChallengeStatus.open)
                        .values(status=ChallengeStatus.answered, updated_at=moment))
        session.refresh(consultation)
    if is_engineer:
        session.execute(update(Invitation).where(Invitation.challenge_id == consultation.id,
                                                 Invitation.engineer_id == by.engineer_id).values(status="answered"))
    events.record(session, "consultation.answered", actor_id=by.id, at=moment,
                  center_id=pool_center_id(session, reply.engineer_id), engineer_id=reply.engineer_id,
                  organisation_id=consultation.company_id, challenge_id=consultation.id,
                  subject=("answer", reply.id), data={"follow_up": not is_engineer, "parent_id": data.parent_id})
    return reply


@dataclass
class ThreadItem:
    answer: Answer
    author: str
    depth: int
    children: list["ThreadItem"] = field(default_factory=list)


def thread(session: Session, *, consultation: Challenge) -> list[ThreadItem]:
    """Answers as a tree (oldest first), with each author's display name."""
    rows = session.exec(select(Answer, User).join(User, User.id == Answer.author_id)
                        .where(Answer.challenge_id == consultation.id).order_by(Answer.created_at, Answer.id)).all()
    items = {a.id: ThreadItem(a, user.display_name or user.username, 0) for a, user in rows}
    roots = []
    for item in items.values():
        parent = items.get(item.answer.parent_id) if item.answer.parent_id else None
        if parent is None:
            roots.append(item)
        else:
            item.depth = min(parent.depth + 1, 4)
            parent.children.append(item)
    return roots


def flatten(items: list[ThreadItem]) -> list[ThreadItem]:
    out = []
    for item in items:
        out.append(item)
        out += flatten(item.children)
    return out


# ---------------------------------------------------------------- resolve, rate, escalate

def mark_best(session: Session, *, consultation: Challenge, answer_id: int, by: User,
              rating: RatingIn | None = None) -> Answer:
    """The firm adopts one engineer's answer (resolved), optionally rating the answerer."""
    policy.require(policy.owns_challenge(by, consultation), "只有发问企业可以采纳最佳答复")
    best = session.get(Answer, answer_id)
    if best is None or best.challenge_id != consultation.id:
        raise Invalid("答复不存在", field="answer_id")
    if best.engineer_id is None:
        raise Invalid("只能采纳工程师的答复", field="answer_id")
    moment = now()
    done = session.execute(update(Challenge).where(Challenge.id == consultation.id, Challenge.status.in_(OPEN_STATES))
                           .values(status=ChallengeStatus.resolved, closed_at=moment, updated_at=moment))
    if done.rowcount != 1:
        raise Conflict("该问诊已采纳最佳答复或已关闭")
    session.refresh(consultation)
    best.is_best = True
    session.flush()
    events.record(session, "consultation.best_answer", actor_id=by.id, at=moment,
                  center_id=pool_center_id(session, best.engineer_id), engineer_id=best.engineer_id,
                  organisation_id=consultation.company_id, challenge_id=consultation.id,
                  subject=("answer", best.id))
    if rating is not None:
        rate(session, consultation=consultation, engineer_id=best.engineer_id, by=by, data=rating)
    return best


def rate(session: Session, *, consultation: Challenge, engineer_id: int, by: User, data: RatingIn) -> Rating:
    """市场评价 of an engineer who answered; once per engineer and consultation."""
    policy.require(policy.owns_challenge(by, consultation), "只有发问企业可以评价")
    answered = session.exec(select(Answer.id).where(Answer.challenge_id == consultation.id,
                                                    Answer.engineer_id == engineer_id)).first()
    if answered is None:
        raise Invalid("只能评价答复过本问诊的工程师", field="engineer_id")
    existing = session.exec(select(Rating.id).where(Rating.challenge_id == consultation.id, Rating.rater_id == by.id,
                                                    Rating.engineer_id == engineer_id)).first()
    if existing is not None:
        raise Conflict("您已评价过这位工程师的答复")
    if data.overall_score() is None:
        raise Invalid("请给出总体评分（1-5）", field="overall")
    rating = Rating(challenge_id=consultation.id, rater_id=by.id, direction="firm_to_engineer",
                    engineer_id=engineer_id, organisation_id=consultation.company_id, overall=data.overall_score(),
                    **data.model_dump(include={"quality", "timeliness", "communication", "comment"}))
    session.add(rating)
    session.flush()
    events.record(session, "rating.created", actor_id=by.id, at=rating.created_at,
                  center_id=pool_center_id(session, engineer_id), engineer_id=engineer_id,
                  organisation_id=consultation.company_id, challenge_id=consultation.id, subject=("rating", rating.id),
                  data={"overall": rating.overall})
    return rating


def escalated_challenge(session: Session, *, consultation: Challenge) -> Challenge | None:
    return session.exec(select(Challenge).where(Challenge.escalated_from_id == consultation.id)).first()


def escalate(session: Session, *, consultation: Challenge, by: User) -> Challenge:
    """转为揭榜: a draft challenge with the question, the answers quoted, and the engineers invited.

    Once per consultation: a repeat (a double click, a retry, a concurrent request) gets the
    challenge the first one made. The unique index on escalated_from_id decides between concurrent
    requests on both databases; the loser rolls back its insert and returns the winner's challenge.
    """
    policy.require(policy.can_escalate_consultation(by, consultation), "只有发问企业可以转为揭榜")
    previous = escalated_challenge(session, consultation=consultation)
    if previous is not None:
        return previous
    items = flatten(thread(session, consultation=consultation))
    quoted = [f"> {i.author}（{cn_date(i.answer.created_at)}）{'【最佳答复】' if i.answer.is_best else ''}：{i.answer.body}"
              for i in items]
    description = consultation.description
    if quoted:
        description += "\n\n—— 在线问诊答复摘录 ——\n" + "\n".join(quoted)
    moment = now()
    draft = Challenge(kind=ChallengeKind.challenge, title=consultation.title, description=description[:20000],
                      company_id=consultation.company_id, posted_by_id=by.id, center_id=consultation.center_id,
                      fields=list(consultation.fields or []), skills=list(consultation.skills or []),
                      region=consultation.region, budget=None if consultation.budget is None else Decimal(consultation.budget),
                      status=ChallengeStatus.draft, escalated_from_id=consultation.id, created_at=moment, updated_at=moment)
    try:
        with session.begin_nested():
            session.add(draft)
            session.flush()
    except IntegrityError:
        # another request escalated meanwhile; the index waited for it to commit, so its challenge is visible now
        previous = escalated_challenge(session, consultation=consultation)
        if previous is None:
            raise
        return previous
    engineer_ids = list(dict.fromkeys(i.answer.engineer_id for i in sorted(items, key=lambda i: not i.answer.is_best)
                                      if i.answer.engineer_id is not None))
    for engineer_id in engineer_ids:
        session.add(Invitation(challenge_id=draft.id, engineer_id=engineer_id, source="consultation",
                               invited_by_id=by.id))
    best = next((i.answer for i in items if i.answer.is_best), None)
    center_engineer = best.engineer_id if best else (engineer_ids[0] if engineer_ids else None)
    session.flush()
    events.record(session, "consultation.escalated", actor_id=by.id, at=moment,
                  center_id=pool_center_id(session, center_engineer), engineer_id=center_engineer,
                  organisation_id=consultation.company_id, challenge_id=consultation.id,
                  subject=("challenge", draft.id), data={"challenge_id": draft.id, "engineers": engineer_ids})
    return draft




# ---------------------------------------------------------------- reading

def list_consultations(session: Session, *, user: User, mine: bool = False, status: str | None = None,
                       limit: int = 20, offset: int = 0) -> tuple[list[Challenge], int]:
    """Consultations newest first: all published ones, or the user's own (firm) / routed and answered (engineer)."""
    where = [Challenge.kind == ChallengeKind.consultation, Challenge.status != ChallengeStatus.draft]
    if status:
        if status not in (ChallengeStatus.open, ChallengeStatus.answered, ChallengeStatus.resolved,
                          ChallengeStatus.closed, ChallengeStatus.cancelled):
            raise Invalid(f"未知的问诊状态“{status}”", field="status")
        where.append(Challenge.status == status)
    if mine and user.engineer_id is not None:
        routed = select(Invitation.challenge_id).where(Invitation.engineer_id == user.engineer_id)
        answered = select(Answer.challenge_id).where(Answer.engineer_id == user.engineer_id)
        where.append(or_(Challenge.id.in_(routed), Challenge.id.in_(answered)))
    elif mine:
        where.append(Challenge.company_id == (user.organisation_id or -1))
    total = session.exec(select(func.count()).select_from(Challenge).where(*where)).one()
    rows = session.exec(select(Challenge).where(*where).order_by(Challenge.created_at.desc(), Challenge.id.desc())
                        .offset(offset).limit(limit)).all()
    return list(rows), total


def routed_engineers(session: Session, *, consultation: Challenge) -> list[tuple[Invitation, Engineer]]:
    return list(session.exec(select(Invitation, Engineer).join(Engineer, Engineer.id == Invitation.engineer_id)
                             .where(Invitation.challenge_id == consultation.id)
                             .order_by(Invitation.score.desc(), Invitation.id)).all())
