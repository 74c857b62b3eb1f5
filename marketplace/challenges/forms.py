"""Parse HTML form and query input into clean values, with Chinese errors per field.

A form comes back as (values, errors): the template shows each error next to
its field and keeps what the person typed. Business rules stay in the services.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from pydantic import ValidationError

from core.errors import AppError
from marketplace.challenges.models import Scheme, Visibility
from marketplace.challenges.search import HALL_STATUSES, HallQuery
from marketplace.execution.models import ContractKind, ServiceType

SCHEMA_MESSAGES = {
    "missing": "必填项未填写", "string_too_short": "内容过短", "string_too_long": "内容过长",
    "too_long": "项目过多", "int_parsing": "应为整数", "decimal_parsing": "应为数字", "date_parsing": "日期格式应为 YYYY-MM-DD",
    "greater_than_equal": "数值过小", "greater_than": "数值过小", "less_than_equal": "数值过大", "less_than": "数值过大",
    "literal_error": "取值不在允许范围内", "enum": "取值不在允许范围内", "decimal_max_places": "最多保留两位小数",
    "decimal_max_digits": "数值过大", "extra_forbidden": "不支持的字段",
}
LIST_SEPARATORS = re.compile(r"[;；,，、\n]+")


@dataclass
class FormResult:
    values: dict[str, Any] = dc_field(default_factory=dict)
    errors: dict[str, str] = dc_field(default_factory=dict)
    raw: dict[str, str] = dc_field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def fail(self, exc: AppError | ValidationError) -> "FormResult":
        """Put a service or schema error next to its field (or on the form)."""
        if isinstance(exc, ValidationError):
            for err in exc.errors():
                name = ".".join(str(p) for p in err.get("loc", ())) or "form"
                kind = err.get("type", "")
                message = SCHEMA_MESSAGES.get(kind, "取值无效")
                if kind == "value_error":
                    message = str(err.get("msg", message)).removeprefix("Value error, ")
                self.errors.setdefault(name, message)
        else:
            self.errors[exc.field or "form"] = exc.message
        return self


def _text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return str(value).strip() if value is not None else ""


def split_list(value: str) -> list[str]:
    return [item.strip() for item in LIST_SEPARATORS.split(value or "") if item.strip()]


def _decimal(raw: str, result: FormResult, name: str, *, label: str, scale: Decimal = Decimal(1)) -> Decimal | None:
    if not raw:
        return None
    try:
        value = Decimal(raw.replace(",", "").replace("，", "")) * scale
    except InvalidOperation:
        result.errors[name] = f"{label}应为数字"
        return None
    if not value.is_finite() or value < 0:
        result.errors[name] = f"{label}不能为负数"
        return None
    if value >= Decimal("1e12"):
        result.errors[name] = f"{label}过大"
        return None
    return value


def _int(raw: str, result: FormResult, name: str, *, label: str, low: int = 0, high: int = 100000) -> int | None:
    if not raw:
        return None
    if not raw.isdigit():
        result.errors[name] = f"{label}应为整数"
        return None
    value = int(raw)
    if not low <= value <= high:
        result.errors[name] = f"{label}应在{low}到{high}之间"
        return None
    return value


def _date(raw: str, result: FormResult, name: str, *, label: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        result.errors[name] = f"{label}格式应为 YYYY-MM-DD"
        return None


def _required(raw: str, result: FormResult, name: str, *, label: str, max_len: int, min_len: int = 1) -> str:
    if not raw:
        result.errors[name] = f"请填写{label}"
    elif len(raw) < min_len:
        result.errors[name] = f"{label}至少需要{min_len}个字"
    elif len(raw) > max_len:
        result.errors[name] = f"{label}不能超过{max_len}个字"
    return raw


# ---------------------------------------------------------------- the hall

def parse_hall(params: Mapping[str, Any]) -> HallQuery:
    """Filters of the 揭榜大厅; a bad filter is reported and ignored, never a 500."""
    result = FormResult()
    page_raw = _text(params, "page")
    query = HallQuery(
        q=_text(params, "q")[:100],
        field=_text(params, "field")[:40],
        region=_text(params, "region")[:20],
        status=_text(params, "status") if _text(params, "status") in HALL_STATUSES else "",
        kind=_text(params, "kind") if _text(params, "kind") in ("challenge", "consultation") else "",
        budget_min=_decimal(_text(params, "budget_min"), result, "budget_min", label="最低预算", scale=Decimal(10000)),
        budget_max=_decimal(_text(params, "budget_max"), result, "budget_max", label="最高预算", scale=Decimal(10000)),
        deadline_from=_date(_text(params, "deadline_from"), result, "deadline_from", label="截止日期起"),
        deadline_to=_date(_text(params, "deadline_to"), result, "deadline_to", label="截止日期止"),
        page=int(page_raw) if page_raw.isdigit() and 0 < int(page_raw) < 100000 else 1,
    )
    query.errors = result.errors
    return query


# ---------------------------------------------------------------- challenge form

CHALLENGE_FIELDS = ["title", "description", "kpis", "ip_terms", "solver_conditions", "fields", "skills", "region",
                    "budget", "deadline", "delivery_deadline", "scheme", "visibility", "center_id", "publish"]


def parse_challenge(form: Mapping[str, Any]) -> FormResult:
    result = FormResult(raw={name: _text(form, name) for name in CHALLENGE_FIELDS})
    raw = result.raw
    values = result.values
    values["title"] = _required(raw["title"], result, "title", label="榜单名称", max_len=200, min_len=2)
    values["description"] = _required(raw["description"], result, "description", label="技术难题描述", max_len=20000,
                                      min_len=5)
    values["kpis"] = _required(raw["kpis"], result, "kpis", label="核心指标", max_len=5000)
    values["ip_terms"] = raw["ip_terms"] or None
    values["solver_conditions"] = raw["solver_conditions"] or None
    values["fields"] = split_list(raw["fields"])
    values["skills"] = split_list(raw["skills"])
    if not values["skills"]:
        result.errors["skills"] = "请至少填写一项所需技能"
    values["region"] = raw["region"] or None
    values["budget"] = _decimal(raw["budget"], result, "budget", label="预算", scale=Decimal(10000))
    values["deadline"] = _date(raw["deadline"], result, "deadline", label="揭榜截止日期")
    values["delivery_deadline"] = _date(raw["delivery_deadline"], result, "delivery_deadline", label="攻关期限")
    if values["deadline"] and values["delivery_deadline"] and values["delivery_deadline"] < values["deadline"]:
        result.errors["delivery_deadline"] = "攻关期限不能早于揭榜截止日期"
    values["scheme"] = raw["scheme"] if raw["scheme"] in Scheme.__members__ else Scheme.single.value
    values["visibility"] = raw["visibility"] if raw["visibility"] in Visibility.__members__ else Visibility.public.value
    values["center_id"] = int(raw["center_id"]) if raw["center_id"].isdigit() else None
    values["publish"] = raw["publish"] == "1"
    if values["publish"] and not values["deadline"] and "deadline" not in result.errors:
        result.errors["deadline"] = "发布榜单须填写揭榜截止日期"
    return result


# ---------------------------------------------------------------- bids and decisions

def parse_bid(form: Mapping[str, Any]) -> FormResult:
    names = ["proposal", "plan", "price", "schedule_days", "members", "part"]
    result = FormResult(raw={name: _text(form, name) for name in names})
    raw = result.raw
    result.values = {
        "proposal": _required(raw["proposal"], result, "proposal", label="揭榜方案", max_len=20000, min_len=5),
        "plan": raw["plan"] or None,
        "price": _decimal(raw["price"], result, "price", label="报价"),
        "schedule_days": _int(raw["schedule_days"], result, "schedule_days", label="工期（天）", low=1, high=3650),
        "members": split_list(raw["members"]),
        "part": raw["part"][:200] or None,
    }
    return result


def parse_award(form: Mapping[str, Any]) -> FormResult:
    result = FormResult(raw={"contract_kind": _text(form, "contract_kind"), "service_type": _text(form, "service_type")})
    kinds = [k.value for k in ContractKind]
    types = [t.value for t in ServiceType]
    if result.raw["contract_kind"] not in kinds:
        result.errors["contract_kind"] = "请选择技术合同类型"
    if result.raw["service_type"] not in types:
        result.errors["service_type"] = "请选择服务类型"
    result.values = dict(result.raw)
    return result


def parse_reason(form: Mapping[str, Any], *, label: str = "理由") -> FormResult:
    result = FormResult(raw={"reason": _text(form, "reason")})
    result.values["reason"] = _required(result.raw["reason"], result, "reason", label=label, max_len=2000)
    return result


def parse_rating(form: Mapping[str, Any]) -> FormResult:
    names = ["quality", "timeliness", "communication", "comment"]
    result = FormResult(raw={name: _text(form, name) for name in names})
    labels = {"quality": "质量", "timeliness": "及时性", "communication": "沟通"}
    for name, label in labels.items():
        score = _int(result.raw[name], result, name, label=f"{label}评分", low=1, high=5)
        if score is None and name not in result.errors:
            result.errors[name] = f"请为{label}打分（1-5）"
        result.values[name] = score
    result.values["comment"] = result.raw["comment"][:2000] or None
    return result


def parse_worklog(form: Mapping[str, Any]) -> FormResult:
    names = ["day", "hours", "note"]
    result = FormResult(raw={name: _text(form, name) for name in names})
    raw = result.raw
    result.values["day"] = _date(raw["day"], result, "day", label="日期")
    if result.values["day"] is None and "day" not in result.errors:
        result.errors["day"] = "请填写日期"
    hours = _decimal(raw["hours"], result, "hours", label="工时")
    if hours is None and "hours" not in result.errors:
        result.errors["hours"] = "请填写工时"
    elif hours is not None and not Decimal("0") < hours <= Decimal("24"):
        result.errors["hours"] = "每日工时应在0到24小时之间"
    result.values["hours"] = hours
    result.values["note"] = raw["note"][:2000] or None
    return result


def parse_profile(form: Mapping[str, Any]) -> FormResult:
    names = ["name", "title", "region", "skills", "fields", "bio", "capacity", "available"]
    result = FormResult(raw={name: _text(form, name) for name in names})
    raw = result.raw
    result.values = {
        "name": _required(raw["name"], result, "name", label="姓名", max_len=60),
        "title": raw["title"][:30] or None,
        "region": raw["region"][:20] or None,
        "skills": split_list(raw["skills"]),
        "fields": split_list(raw["fields"]),
        "bio": raw["bio"][:5000] or None,
        "capacity": _int(raw["capacity"], result, "capacity", label="可同时承接的榜单数", low=0, high=50),
        "available": raw["available"] == "1",
    }
    if not result.values["skills"]:
        result.errors["skills"] = "请至少填写一项技能"
    if result.values["capacity"] is None and "capacity" not in result.errors:
        result.errors["capacity"] = "请填写可同时承接的榜单数"
    return result


def parse_milestone(form: Mapping[str, Any]) -> FormResult:
    names = ["title", "amount", "due_date"]
    result = FormResult(raw={name: _text(form, name) for name in names})
    raw = result.raw
    result.values = {
        "title": _required(raw["title"], result, "title", label="阶段名称", max_len=200, min_len=2),
        "amount": _decimal(raw["amount"], result, "amount", label="金额"),
        "due_date": _date(raw["due_date"], result, "due_date", label="截止日期"),
    }
    return result
