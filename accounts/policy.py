"""Who may do what: every role and ownership rule in one place.

Services call `require(policy.can_x(by, obj), message)` before they act, so a
route, a CLI command or a test cannot skip a check; routes use the predicates
only to decide which page to show, and templates only receive what they allowed. Objects are duck-typed so this module imports no
domain tables and every domain can use it.
"""

from __future__ import annotations

from typing import Any

from accounts.models import Role, User
from core.errors import Forbidden, Unauthorized


def require(allowed: bool, message: str = "无权执行此操作") -> None:
    if not allowed:
        raise Forbidden(message)


def require_user(user: User | None) -> User:
    if user is None:
        raise Unauthorized("请先登录")
    return user


def is_role(user: User | None, *roles: str) -> bool:
    return user is not None and user.role in roles


def is_admin(user: User | None) -> bool:
    return is_role(user, Role.admin)


def is_government(user: User | None) -> bool:
    return is_role(user, Role.city, Role.province, Role.admin)


# ---------------------------------------------------------------- challenges

def can_post_challenge(user: User | None) -> bool:
    return is_role(user, Role.sme) and user.organisation_id is not None or is_admin(user)


def owns_challenge(user: User | None, challenge: Any) -> bool:
    return is_role(user, Role.sme) and user.organisation_id == challenge.company_id


def hosts_challenge(user: User | None, challenge: Any) -> bool:
    return is_role(user, Role.center) and challenge.center_id is not None and user.center_id == challenge.center_id


def can_edit_challenge(user: User | None, challenge: Any) -> bool:
    """The firm edits its own; the hosting center helps with the brief (政府助题)."""
    return owns_challenge(user, challenge) or hosts_challenge(user, challenge) or is_admin(user)


def can_see_challenge(user: User | None, challenge: Any) -> bool:
    """Whether the challenge exists for this user at all (drafts are private)."""
    if challenge.status == "draft":
        return can_edit_challenge(user, challenge)
    return True


def can_see_challenge_details(user: User | None, challenge: Any, *, nda_signed: bool = False, invited: bool = False) -> bool:
    """Invite-only challenges open their details after the engineer's NDA."""
    if not can_see_challenge(user, challenge):
        return False
    if challenge.visibility != "invite":
        return True
    if can_edit_challenge(user, challenge) or is_government(user):
        return True
    return is_role(user, Role.engineer) and nda_signed


def can_bid(user: User | None) -> bool:
    return is_role(user, Role.engineer) and user.engineer_id is not None


def can_answer_consultation(user: User | None) -> bool:
    return can_bid(user)


def can_ask_consultation(user: User | None) -> bool:
    """在线问诊 is asked in a firm's name."""
    return can_post_challenge(user) and user.organisation_id is not None


def can_reply_consultation(user: User | None, consultation: Any) -> bool:
    """Engineers answer; the asking firm follows up on an answer."""
    return can_answer_consultation(user) or owns_challenge(user, consultation)


def can_escalate_consultation(user: User | None, consultation: Any) -> bool:
    """转为揭榜: the asking firm (or an admin on its behalf)."""
    return owns_challenge(user, consultation) or is_admin(user)


def can_manage_bids(user: User | None, challenge: Any) -> bool:
    """Award, shortlist, reject: the firm that posted the challenge."""
    return owns_challenge(user, challenge) or is_admin(user)


def can_see_bids(user: User | None, challenge: Any) -> bool:
    """Every bid of a challenge: the firm and the hosting center (an engineer sees only its own)."""
    return can_manage_bids(user, challenge) or hosts_challenge(user, challenge)


def can_withdraw_bid(user: User | None, bid: Any) -> bool:
    return is_role(user, Role.engineer) and user.engineer_id == bid.engineer_id


def can_see_bid(user: User | None, bid: Any, challenge: Any) -> bool:
    return can_withdraw_bid(user, bid) or can_see_bids(user, challenge)


# ---------------------------------------------------------------- collaborations

def is_lead(user: User | None, collaboration: Any) -> bool:
    return is_role(user, Role.engineer) and user.engineer_id == collaboration.lead_engineer_id


def is_team_member(user: User | None, member_ids: set[int]) -> bool:
    return is_role(user, Role.engineer) and user.engineer_id in member_ids


def can_deliver(user: User | None, collaboration: Any) -> bool:
    return is_lead(user, collaboration)


def can_accept(user: User | None, challenge: Any) -> bool:
    """车间验题: the firm that posted the challenge verifies the delivery."""
    return owns_challenge(user, challenge)


def can_see_collaboration(user: User | None, collaboration: Any, challenge: Any, member_ids: set[int]) -> bool:
    return (
        is_team_member(user, member_ids)
        or is_lead(user, collaboration)
        or owns_challenge(user, challenge)
        or (is_role(user, Role.center) and user.center_id in {collaboration.center_id, challenge.center_id})
        or is_admin(user)
    )


def can_resolve_dispute(user: User | None, collaboration: Any, challenge: Any) -> bool:
    return (
        is_role(user, Role.center) and user.center_id in {collaboration.center_id, challenge.center_id}
    ) or is_admin(user)


# ---------------------------------------------------------------- centers

def can_manage_center(user: User | None, center: Any) -> bool:
    return (is_role(user, Role.center) and user.center_id == center.id) or is_admin(user)


def can_oversee_center(user: User | None, center: Any) -> bool:
    """Read a center's indicators, reports and evidence."""
    if can_manage_center(user, center) or is_role(user, Role.province, Role.expert):
        return True
    return is_role(user, Role.city) and user.region == center.city


def can_review_city(user: User | None, center: Any) -> bool:
    return is_role(user, Role.city) and user.region == center.city


def can_review_province(user: User | None) -> bool:
    return is_role(user, Role.province, Role.admin)


def can_score(user: User | None) -> bool:
    return is_role(user, Role.expert)


def can_see_engineer_private(user: User | None, engineer: Any, center_ids: set[int]) -> bool:
    """Contact data and load: the engineer, operators of the engineer's centers, admins."""
    if is_role(user, Role.engineer) and user.engineer_id == engineer.id:
        return True
    return (is_role(user, Role.center) and user.center_id in center_ids) or is_admin(user)


def can_administer(user: User | None) -> bool:
    return is_admin(user)


# ---------------------------------------------------------------- execution (marketplace core)

def can_plan_milestones(user: User | None, collaboration: Any, challenge: Any) -> bool:
    """Milestones are set by the firm or proposed by the lead engineer."""
    return owns_challenge(user, challenge) or is_lead(user, collaboration) or is_admin(user)


def can_log_work(user: User | None, collaboration: Any, member_ids: set[int]) -> bool:
    return is_lead(user, collaboration) or is_team_member(user, member_ids)


def can_stop_work(user: User | None, collaboration: Any, challenge: Any) -> bool:
    """Stop-work and reassignment of a silent lead: the firm or the center operator."""
    return owns_challenge(user, challenge) or can_resolve_dispute(user, collaboration, challenge)


def can_raise_dispute(user: User | None, collaboration: Any, challenge: Any) -> bool:
    return owns_challenge(user, challenge) or is_lead(user, collaboration)


def can_record_payment(user: User | None, challenge: Any) -> bool:
    return owns_challenge(user, challenge) or is_admin(user)


def can_record_shares(user: User | None, collaboration: Any, challenge: Any) -> bool:
    """Share agreements: the firm, or the center operator who brokers them."""
    return owns_challenge(user, challenge) or can_resolve_dispute(user, collaboration, challenge)


def can_book_resource(user: User | None, resource: Any) -> bool:
    """Signed-in users book open resources; a center's operators book its own."""
    if user is None:
        return False
    return bool(resource.open_to_public) or (is_role(user, Role.center) and user.center_id == resource.center_id)
