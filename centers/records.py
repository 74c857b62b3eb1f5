"""A center's records on file: trainings, projects, standards, honours, partnerships, services, rules, resources.

One Create model per kind validates the form; `add_record` writes the row and logs an event where
the log has a word for it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal, get_args

from pydantic import BaseModel, Field, ValidationError
from sqlmodel import Session, SQLModel, select

from accounts import policy
from accounts.models import User
from accounts.service import get_or_create_org
from centers.models import (
    Funding,
    Honour,
    Mechanism,
    Partnership,
    ProfessionalService,
    Project,
    Resource,
    Standard,
    Training,
)
from core import eventlog as events
from core.errors import Invalid, NotFound
from core.schemas import CleanLine, CleanText, PastDate, PlanDate
from talent.models import Center

Level = Literal["国家级", "省级", "市级"]
Title = Field(min_length=2, max_length=200)
Money = Field(default=None, ge=0, le=Decimal("999999999999"))


class TrainingIn(BaseModel):
    title: CleanLine = Title
    kind: Literal["培训", "交流", "赛事"] = "培训"
    level: Level | None = None
    hosted: bool = True
    starts_on: PlanDate
    hours: Decimal = Field(default=Decimal("0"), ge=0, le=10000)
    location: CleanLine | None = Field(default=None, max_length=120)
    online: bool = False


class ProjectIn(BaseModel):
    title: CleanLine = Title
    level: Literal["国家级", "省级", "市级", "企业委托"]
    role: Literal["牵头", "参与"] = "牵头"
    amount: Decimal | None = Money
    started_on: PlanDate
    ended_on: PlanDate | None = None


class StandardIn(BaseModel):
    title: CleanLine = Title
    code: CleanLine | None = Field(default=None, max_length=60)
    level: Literal["国家标准", "行业标准", "地方标准", "团体标准"]
    role: Literal["牵头", "参与"] = "牵头"
    published_on: PlanDate


class HonourIn(BaseModel):
    title: CleanLine = Title
    level: Level
    kind: Literal["荣誉", "奖励", "批示", "媒体"] = "荣誉"
    awarded_on: PastDate


class PartnershipIn(BaseModel):
    partner: CleanLine = Field(min_length=2, max_length=120, description="合作单位名称")
    partner_kind: Literal["university", "institute", "enterprise", "park", "association"] = "university"
    kind: Literal["项目合作", "联合培养", "平台共建"]
    since: PlanDate
    until: PlanDate | None = None
    note: CleanText | None = Field(default=None, max_length=2000)


class ServiceIn(BaseModel):
    title: CleanLine = Title
    kind: Literal["检验检测", "产业咨询"]
    client: CleanLine | None = Field(default=None, max_length=120, description="服务企业名称")
    amount: Decimal | None = Money
    delivered_on: PastDate


class MechanismIn(BaseModel):
    title: CleanLine = Title
    kind: Literal["management", "salary", "value_sharing", "recruitment", "replication"]
    summary: CleanText | None = Field(default=None, max_length=5000)
    adopted_on: PlanDate


class ResourceIn(BaseModel):
    name: CleanLine = Field(min_length=2, max_length=120)
    kind: Literal["设备", "软件", "场地"] = "设备"
    description: CleanText | None = Field(default=None, max_length=2000)
    open_to_public: bool = True
    hours_per_year: int = Field(default=2000, ge=1, le=8784)
    value: Decimal | None = Money


class FundingIn(BaseModel):
    year: int = Field(ge=2000, le=2100)
    source: Literal["省级财政", "市州配套", "自筹"]
    purpose: CleanLine = Field(min_length=2, max_length=120)
    amount: Decimal = Field(ge=0, le=Decimal("999999999999"))


KINDS: dict[str, tuple[type[BaseModel], type[SQLModel], str, str]] = {
    # kind: (input model, table, Chinese label, order column)
    "training": (TrainingIn, Training, "培训与交流活动", "starts_on"),
    "project": (ProjectIn, Project, "承担项目", "started_on"),
    "standard": (StandardIn, Standard, "标准制定", "published_on"),
    "honour": (HonourIn, Honour, "荣誉与表彰", "awarded_on"),
    "partnership": (PartnershipIn, Partnership, "产教融合合作", "since"),
    "service": (ServiceIn, ProfessionalService, "专业技术服务", "delivered_on"),
    "mechanism": (MechanismIn, Mechanism, "制度与机制", "adopted_on"),
    "resource": (ResourceIn, Resource, "共享设备与软件", "id"),
    "funding": (FundingIn, Funding, "经费使用", "year"),
}
EVENT_FOR = {"training": "training.held", "project": "project.recorded", "service": "service.delivered"}
MECHANISM_LABELS = {"management": "管理制度", "salary": "薪资机制", "value_sharing": "价值实现机制",
                    "recruitment": "引才机制", "replication": "可复制推广成果"}


def spec(kind: str) -> tuple[type[BaseModel], type[SQLModel], str, str]:
    if kind not in KINDS:
        raise NotFound("记录类型不存在")
    return KINDS[kind]


def parse(kind: str, form: dict) -> BaseModel:
    """Validate a submitted form (strings) into the kind's input model; 422 with the field on error."""
    model = spec(kind)[0]
    data = {k: v for k, v in form.items() if v not in ("", None) and k != "csrf_token"}
    for key, field in model.model_fields.items():
        if field.annotation is bool:
            data[key] = key in form and form[key] not in ("", "0", "false", "off")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field_name = ".".join(str(p) for p in err["loc"]) or "form"
        raise Invalid("必填项未填写" if err["type"] == "missing" else "取值无效", field=field_name) from exc


def add_record(session: Session, *, center: Center, kind: str, data: BaseModel, by: User) -> SQLModel:
    policy.require(policy.can_manage_center(by, center), "只有本中心运营人员可以登记记录")
    _, table, _, _ = spec(kind)
    values = data.model_dump()
    if kind == "partnership":
        values["organisation_id"] = get_or_create_org(session, values.pop("partner"), kind=values.pop("partner_kind")).id
    if kind == "service":
        client = values.pop("client")
        values["organisation_id"] = get_or_create_org(session, client).id if client else None
    for start, end in (("started_on", "ended_on"), ("since", "until")):
        if values.get(end) and values.get(start) and values[end] < values[start]:
            raise Invalid("结束日期不能早于开始日期", field=end)
    row = table(center_id=center.id, **values)
    session.add(row)
    session.flush()
    if kind in EVENT_FOR:
        events.record(session, EVENT_FOR[kind], actor_id=by.id, center_id=center.id, subject=(kind, row.id),  # type: ignore[attr-defined]
                      data={"title": values.get("title")})
    return row


def list_records(session: Session, *, center: Center, kind: str, limit: int = 200) -> list:
    _, table, _, order = spec(kind)
    return list(session.exec(select(table).where(table.center_id == center.id)  # type: ignore[attr-defined]
                             .order_by(getattr(table, order).desc()).limit(limit)).all())



FIELD_LABELS = {
    "title": "名称", "kind": "类别", "level": "级别", "hosted": "本中心承办", "starts_on": "日期", "hours": "学时",
    "location": "地点", "online": "线上", "role": "角色", "amount": "金额（元）", "started_on": "开始日期",
    "ended_on": "结束日期", "code": "标准号", "published_on": "发布日期", "awarded_on": "获得日期",
    "partner": "合作单位", "partner_kind": "单位类型", "since": "开始日期", "until": "结束日期", "note": "说明",
    "client": "服务企业", "delivered_on": "完成日期", "summary": "摘要", "adopted_on": "实施日期", "name": "名称",
    "description": "说明", "open_to_public": "对外开放", "hours_per_year": "年可用机时", "value": "原值（元）",
    "year": "年度", "source": "来源", "purpose": "用途",
}
PARTNER_KIND_LABELS = {"university": "高校", "institute": "科研院所", "enterprise": "企业", "park": "产业园区",
                       "association": "行业组织"}


def form_fields(kind: str) -> list[dict]:
    """How to draw the kind's form: each field's label, input type, choices and whether it is required."""
    fields = []
    for name, field in spec(kind)[0].model_fields.items():
        annotation = field.annotation
        options = [a for a in get_args(annotation) if a is not type(None)]
        literal = next((o for o in options if getattr(o, "__origin__", None) is Literal), None)
        if getattr(annotation, "__origin__", None) is Literal:
            literal = annotation
        choices = list(get_args(literal)) if literal is not None else []
        if annotation is bool:
            input_type = "bool"
        elif choices:
            input_type = "choice"
        elif annotation is date or date in options:
            input_type = "date"
        else:
            input_type = "text"
        fields.append({"name": name, "label": FIELD_LABELS.get(name, name), "type": input_type, "choices": choices,
                       "required": field.is_required(), "default": field.default})
    return fields
