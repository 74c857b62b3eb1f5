"""Expert scores (ExpertScore): one expert, one line, one center-year.

Only an expert the province assigned to the center's application under expert review scores it, for that
application's year."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field, field_validator
from sqlmodel import Session, select

from accounts import policy
from accounts.models import User
from centers.indicators.rubric import LINE_BY_ID
from centers.models import Application, ExpertScore, Review
from core.clock import now, today
from core.errors import Invalid
from core.schemas import CleanLine, CleanText
from talent.models import Center


class ScoreIn(BaseModel):
    line_id: CleanLine = Field(max_length=8, description="指标编号：1.1 … 4.5 或 bonus")
    score: Decimal = Field(ge=0, description="得分，不超过该指标满分")
    comment: CleanText | None = Field(default=None, max_length=2000)

    @field_validator("line_id")
    @classmethod
    def _known_line(cls, value: str) -> str:
        if value not in LINE_BY_ID:
            raise ValueError("指标编号不存在")
        return value


class ScoresIn(BaseModel):
    year: int = Field(ge=2000, le=2100)
    application_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    scores: list[ScoreIn] = Field(min_length=1, max_length=len(LINE_BY_ID))


def assigned_application(session: Session, *, center: Center, year: int, expert: User,
                         application_id: int | None = None) -> Application:
    """The center's application under expert review that the province assigned this expert, for that year."""
    if application_id is not None:
        application = session.get(Application, application_id)
        if application is None or application.center_id != center.id:
            raise Invalid("申报或评估记录不属于该中心", field="application_id")
    if not 2000 <= year <= today().year:
        raise Invalid(f"评分年度应在 2000 至 {today().year} 年之间", field="year")
    query = (select(Application).join(Review, Review.application_id == Application.id)
             .where(Application.center_id == center.id, Application.status == "expert_review",
                    Review.stage == "expert", Review.reviewer_id == expert.id))
    if application_id is not None:
        query = query.where(Application.id == application_id)
    assigned = session.exec(query.order_by(Application.id)).all()
    policy.require(bool(assigned), "您未被分配评审该中心的申报，不能打分")
    application = next((a for a in assigned if a.year == year), None)
    if application is None:
        raise Invalid(f"只能为所分配申报的年度（{assigned[0].year} 年）打分", field="year")
    return application


def record_scores(session: Session, *, center: Center, year: int, scores: list[ScoreIn], by: User,
                  application_id: int | None = None) -> list[ExpertScore]:
    """Insert or replace this expert's scores for the given lines of the application they were assigned."""
    policy.require(policy.can_score(by), "只有评审专家可以打分")
    application = assigned_application(session, center=center, year=year, expert=by, application_id=application_id)
    application_id = application.id
    saved = []
    for item in scores:
        line = LINE_BY_ID[item.line_id]
        if item.score > Decimal(str(line.max)):
            raise Invalid(f"{line.line_id} {line.name} 满分为 {line.max:g} 分", field="score")
        row = session.exec(select(ExpertScore).where(
            ExpertScore.center_id == center.id, ExpertScore.year == year,
            ExpertScore.line_id == item.line_id, ExpertScore.expert_id == by.id)).first()
        if row is None:
            row = ExpertScore(center_id=center.id, year=year, line_id=item.line_id, expert_id=by.id,  # type: ignore[arg-type]
                              score=item.score)
        row.score, row.comment, row.at, row.application_id = item.score, item.comment, now(), application_id
        session.add(row)
        saved.append(row)
    session.flush()
    return saved


def scores_by(session: Session, *, center: Center, year: int, expert: User) -> dict[str, ExpertScore]:
    rows = session.exec(select(ExpertScore).where(ExpertScore.center_id == center.id, ExpertScore.year == year,
                                                  ExpertScore.expert_id == expert.id)).all()
    return {row.line_id: row for row in rows}
