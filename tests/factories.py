"""Typed factories with sensible Chinese defaults, shared by every test package."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from sqlmodel import Session

from accounts import service as accounts
from accounts.models import Organisation, User
from core.clock import now, today
from marketplace.challenges.models import Challenge
from talent.models import Center, Engineer

_seq = count(1)
PASSWORD = "Xc-river-7421-lamp"  # passes the strength policy (length 10+, zxcvbn score 3+)


def make_org(session: Session, *, name: str | None = None, kind: str = "enterprise", region: str = "长沙市") -> Organisation:
    org = Organisation(name=name or f"测试机械有限公司{next(_seq)}", kind=kind, region=region)
    session.add(org)
    session.flush()
    return org


def make_user(session: Session, *, role: str = "sme", username: str | None = None, password: str = PASSWORD,
              organisation: Organisation | None = None, center: Center | None = None,
              engineer: Engineer | None = None, region: str | None = None) -> User:
    if role == "sme" and organisation is None:
        organisation = make_org(session)
    if role == "engineer" and engineer is None:
        engineer = make_engineer(session)
    return accounts.create_user(
        session, username=username or f"{role}{next(_seq)}", password=password, role=role,
        organisation_id=organisation.id if organisation else None,
        center_id=center.id if center else None,
        engineer_id=engineer.id if engineer else None, region=region,
    )


def make_center(session: Session, *, name: str | None = None, city: str = "长沙市",
                cluster: str = "工程机械") -> Center:
    host = make_org(session, kind="host", region=city)
    center = Center(name=name or f"测试工程师协同创新中心{next(_seq)}", city=city, cluster=cluster,
                    host_org_id=host.id, status="已认定")
    session.add(center)
    session.flush()
    return center


def make_engineer(session: Session, *, name: str = "张工", skills: list[str] | None = None,
                  fields: list[str] | None = None, region: str = "长沙市", capacity: int = 2,
                  external_id: str | None = None) -> Engineer:
    engineer = Engineer(name=name, skills=skills or ["液压", "电液控制"], fields=fields or ["工程机械"],
                        region=region, capacity=capacity, title="高级工程师",
                        external_id=external_id or f"E-T{next(_seq)}",
                        bio="从事工程机械液压系统设计十余年")
    session.add(engineer)
    session.flush()
    return engineer


def make_challenge(session: Session, *, company: Organisation | None = None, title: str = "液压阀泄漏",
                   status: str = "open", kind: str = "challenge", center: Center | None = None,
                   skills: list[str] | None = None, budget: Decimal | None = Decimal("300000"),
                   deadline: date | None = None, visibility: str = "public") -> Challenge:
    company = company or make_org(session)
    challenge = Challenge(
        title=title, description="挖掘机主控阀在高温工况下内泄量超标，需要优化阀芯配合间隙与密封结构。",
        company_id=company.id, kind=kind, status=status, center_id=center.id if center else None,
        skills=skills or ["液压", "密封"], fields=["工程机械"], region="长沙市", budget=budget,
        deadline=deadline or today() + timedelta(days=30), kpis="内泄量≤5 mL/min", ip_terms="归企业所有",
        visibility=visibility, published_at=now() if status != "draft" else None,
    )
    session.add(challenge)
    session.flush()
    return challenge
