"""Workflows across accounts and talent: a user account with the firm, center, engineer profile or city it acts for."""

from __future__ import annotations

from sqlmodel import Session

from accounts import service as accounts
from accounts.models import OrgKind, Role, User
from core.errors import Invalid
from talent.models import Engineer
from talent.service import find_engineer, get_center


def create_user_account(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    org: str | None = None,
    center: str | None = None,
    engineer: str | None = None,
    region: str | None = None,
    display_name: str = "",
) -> User:
    """Create a user and link it to its firm, center, engineer profile or city."""
    organisation_id = center_id = engineer_id = None
    if role == Role.sme and not org:
        raise Invalid("企业用户需要 --org 指定所属企业", field="org")
    if role == Role.center and not center:
        raise Invalid("中心运营用户需要 --center 指定所运营的中心", field="center")
    if role == Role.city and not region:
        raise Invalid("市州工信局用户需要 --region 指定城市", field="region")
    if org:
        organisation_id = accounts.get_or_create_org(session, org.strip(), kind=OrgKind.enterprise).id
    if center:
        center_id = get_center(session, center).id
    if role == Role.engineer or engineer:
        profile = find_engineer(session, engineer) if engineer else None
        if profile is None:
            profile = Engineer(external_id=engineer, name=display_name or username, region=region)
            session.add(profile)
            session.flush()
        engineer_id = profile.id
    return accounts.create_user(
        session,
        username=username,
        password=password,
        role=role,
        display_name=display_name,
        organisation_id=organisation_id,
        center_id=center_id,
        engineer_id=engineer_id,
        region=region,
    )
