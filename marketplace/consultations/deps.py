"""Load-or-404 for a consultation (API and pages): by database id or external id, drafts private."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from accounts import policy
from accounts.deps import CurrentUser
from core.db import SessionDep
from core.errors import NotFound
from core.lookup import MAX_ID
from marketplace.challenges.models import Challenge, ChallengeKind
from marketplace.challenges.service import find_challenge


def consultation_or_404(consultation_id: str, session: SessionDep, user: CurrentUser) -> Challenge:
    ref = consultation_id.strip()
    unusable = "\x00" in ref or len(ref) > 64 or (ref.isdigit() and (not ref.isascii() or int(ref) > MAX_ID))
    consultation = None if unusable else find_challenge(session, ref)
    if consultation is None or consultation.kind != ChallengeKind.consultation \
            or not policy.can_see_challenge(user, consultation):
        raise NotFound("问诊不存在")
    return consultation


ConsultationDep = Annotated[Challenge, Depends(consultation_or_404)]
