"""Center rules: lookups, pools, resources and activities."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Field, Session, SQLModel, select

from accounts import policy
from accounts.models import Organisation, OrgKind, User
from accounts.service import get_or_create_org
from centers.models import Honour, Project, Resource, Standard, Training
from core.schemas import CleanLine, CleanText
from talent.models import Center, PoolMembership


def list_centers(session: Session, *, city: str | None = None, cluster: str | None = None,
                 status: str | None = None) -> list[Center]:
    """Centers for the public list, filtered by city, cluster or management status."""
    stmt = select(Center)
    if city:
        stmt = stmt.where(Center.city == city)
    if cluster:
        stmt = stmt.where(Center.cluster == cluster)
    if status:
        stmt = stmt.where(Center.status == status)
    return list(session.exec(stmt.order_by(Center.city, Center.cluster, Center.name)).all())


def center_profile(session: Session, center: Center) -> dict:
    """What the public profile shows: host, pool size, open resources and recent activity."""
    def latest(model, order, limit: int = 8) -> list:
        return list(session.exec(select(model).where(model.center_id == center.id).order_by(order.desc()).limit(limit)).all())

    pool = session.exec(select(func.count()).select_from(PoolMembership).where(
        PoolMembership.center_id == center.id, PoolMembership.status == "active")).one()
    return {
        "host": session.get(Organisation, center.host_org_id) if center.host_org_id else None,
        "pool_size": pool,
        "resources": list(session.exec(select(Resource).where(Resource.center_id == center.id,
                                                              Resource.open_to_public == True)  # noqa: E712
                                       .order_by(Resource.name)).all()),
        "trainings": latest(Training, Training.starts_on),
        "projects": latest(Project, Project.started_on),
        "standards": latest(Standard, Standard.published_on),
        "honours": latest(Honour, Honour.awarded_on),
    }


def filter_options(session: Session) -> dict[str, list[str]]:
    """Cities and clusters present, for the list filters."""
    cities = session.exec(select(Center.city).where(Center.city.is_not(None)).distinct()).all()  # type: ignore[union-attr]
    clusters = session.exec(select(Center.cluster).where(Center.cluster.is_not(None)).distinct()).all()  # type: ignore[union-attr]
    return {"cities": sorted(c for c in cities if c), "clusters": sorted(c for c in clusters if c)}


class CenterUpdate(SQLModel):
    """The profile an operator edits (依托单位, 主攻产业集群, 共性技术平台, 运营团队, 场地)."""

    host_name: CleanLine | None = Field(default=None, max_length=120)
    cluster: CleanLine | None = Field(default=None, max_length=60)
    platform: CleanLine | None = Field(default=None, max_length=120)
    description: CleanText | None = Field(default=None, max_length=5000)
    address: CleanLine | None = Field(default=None, max_length=200)
    site_area_m2: int | None = Field(default=None, ge=0, le=10_000_000)
    lab_area_m2: int | None = Field(default=None, ge=0, le=10_000_000)
    operations_staff: int | None = Field(default=None, ge=0, le=100_000)
    contact: CleanLine | None = Field(default=None, max_length=60)


def update_profile(session: Session, *, center: Center, data: CenterUpdate, by: User) -> Center:
    policy.require(policy.can_manage_center(by, center), "只有本中心运营人员可以修改中心资料")
    values = data.model_dump(exclude_unset=True)
    host_name = values.pop("host_name", None)
    if host_name:
        center.host_org_id = get_or_create_org(session, host_name.strip(), kind=OrgKind.host, region=center.city).id
    for key, value in values.items():
        setattr(center, key, value.strip() if isinstance(value, str) else value)
    session.add(center)
    session.flush()
    return center
