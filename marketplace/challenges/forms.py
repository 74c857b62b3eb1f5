"""Parse HTML form and query input into clean values, with Chinese errors per field.

A form comes back as (values, errors): the template shows each error next to
its field and keeps what the person typed. Business rules stay in the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from pydantic import BaseModel, ValidationError

from core.errors import AppError
from core.schemas import clean_line, clean_text, split_text
from marketplace.challenges.schemas import AwardIn, BidCreate, ChallengeCreate, ReasonIn
from marketplace.challenges.search import HALL_STATUSES, HallQuery
from marketplace.execution.schemas import MilestoneCreate, RatingIn, WorkLogCreate

# pydantic's error kinds in the page's words; {label} is the field's name on the form
MESSAGES = {
    "missing": "请填写{label}", "string_too_short": "{label}至少需要{min_length}个字",
    "string_too_long": "{label}不能超过{max_length}个字", "too_short": "请至少填写一项{label}",
    "too_long": "{label}最多{max_length}项", "int_parsing": "{label}应为整数", "int_from_float": "{label}应为整数",
    "decimal_parsing": "{label}应为数字", "finite_number": "{label}应为数字", "float_parsing": "{label}应为数字",
    "date_parsing": "{label}格式应为 YYYY-MM-DD", "date_from_datetime_parsing": "{label}格式应为 YYYY-MM-DD",
    "greater_than_equal": "{label}不能小于{ge}", "greater_than": "{label}应大于{gt}",
    "less_than_equal": "{label}不能大于{le}", "less_than": "{label}过大", "literal_error": "请选择{label}",
    "enum": "请选择{label}", "decimal_max_places": "{label}最多保留{decimal_places}位小数",
    "decimal_max_digits": "{label}过大", "extra_forbidden": "不支持的字段",
}


def describe(err: Mapping[str, Any], label: str = "此项") -> str:
    """One pydantic error as the sentence shown next to the field."""
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind == "value_error":
        return str(err.get("msg", "")).removeprefix("Value error, ")
    if kind == "greater_than_equal" and ctx.get("ge") == 0:
        return f"{label}不能为负数"
    return MESSAGES.get(kind, "{label}取值无效").format(label=label, **ctx)


@dataclass
class FormResult:
    values: dict[str, Any] = dc_field(default_factory=dict)
    errors: dict[str, str] = dc_field(default_factory=dict)
    raw: dict[str, str] = dc_field(default_factory=dict)
    model: BaseModel | None = None  # the API's input model, built from the form

    @property
    def ok(self) -> bool:
        return not self.errors

    def fail(self, exc: AppError | ValidationError, labels: Mapping[str, str] | None = None) -> "FormResult":
        """Put a service or schema error next to its field (or on the form)."""
        if isinstance(exc, ValidationError):
            for err in exc.errors():
                loc = err.get("loc", ())
                name = str(loc[0]) if loc else "form"
                self.errors.setdefault(name, describe(err, (labels or {}).get(name, "此项")))
        else:
            self.errors[exc.field or "form"] = exc.message
        return self

    def build(self, model: type[BaseModel], data: Mapping[str, Any], labels: Mapping[str, str]) -> "FormResult":
        """Validate the fields with the API's model; its errors go next to their fields in Chinese."""
        try:
            self.model = model.model_validate(data)
            self.values = self.model.model_dump(include=set(data))
        except ValidationError as exc:
            self.fail(exc, labels)
        return self


def _text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return str(value).strip() if value is not None else ""


def _given(raw: Mapping[str, str], names) -> dict[str, str]:
    """The fields the person filled in; an empty one is left to the model's default."""
    return {name: raw[name] for name in names if raw.get(name)}


def _amount(raw: str, scale: int = 1) -> Decimal | str | None:
    """A money figure typed with or without thousands separators, in units of `scale` yuan."""
    if not raw:
        return None
    try:
        return Decimal(raw.replace(",", "").replace("，", "")) * scale
    except InvalidOperation:
        return raw  # the model reports it


def _require(result: FormResult, messages: Mapping[str, str]) -> None:
    """Fields the page asks for though the API leaves them optional."""
    for name, message in messages.items():
        if not result.raw.get(name):
            result.errors[name] = message


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

CHALLENGE_LABELS = {
    "title": "榜单名称", "description": "技术难题描述", "kpis": "核心指标", "ip_terms": "产权归属",
    "solver_conditions": "揭榜方条件", "fields": "所属领域", "skills": "所需技能", "region": "所在地区",
    "budget": "预算", "deadline": "揭榜截止日期", "delivery_deadline": "攻关期限", "scheme": "组织方式",
    "visibility": "公开范围", "center_id": "委托创新中心",
}


def parse_challenge(form: Mapping[str, Any]) -> FormResult:
    """The 发布榜单 form as a ChallengeCreate (budget typed in 万元)."""
    result = FormResult(raw={name: _text(form, name) for name in [*CHALLENGE_LABELS, "publish"]})
    raw, publish = result.raw, result.raw["publish"] == "1"
    data: dict[str, Any] = _given(raw, ["title", "description", "kpis", "ip_terms", "solver_conditions", "fields",
                                        "skills", "region", "deadline", "delivery_deadline", "scheme", "visibility"])
    data.update(budget=_amount(raw["budget"], 10000), center=raw["center_id"] or None,
                status="open" if publish else "draft")
    _require(result, {"kpis": "请填写核心指标", "skills": "请至少填写一项所需技能"})
    if publish and not raw["deadline"]:
        result.errors["deadline"] = "发布榜单须填写揭榜截止日期"
    result.build(ChallengeCreate, data, CHALLENGE_LABELS)
    if "center" in result.errors:
        result.errors["center_id"] = result.errors.pop("center")
    return result


# ---------------------------------------------------------------- bids and decisions

BID_LABELS = {"proposal": "揭榜方案", "plan": "实施计划", "price": "报价", "schedule_days": "工期（天）",
              "members": "团队成员", "part": "承担部分"}


def parse_bid(form: Mapping[str, Any]) -> FormResult:
    """The 揭榜 form as a BidCreate; team members are typed as one list."""
    result = FormResult(raw={name: _text(form, name) for name in BID_LABELS})
    data: dict[str, Any] = _given(result.raw, ["proposal", "plan", "schedule_days", "part"])
    data.update(price=_amount(result.raw["price"]), team=[{"engineer": ref} for ref in split_text(result.raw["members"])])
    result.build(BidCreate, data, {**BID_LABELS, "team": BID_LABELS["members"]})
    if "team" in result.errors:
        result.errors["members"] = result.errors.pop("team")
    return result


def parse_award(form: Mapping[str, Any]) -> FormResult:
    """The 定榜 form as an AwardIn; the page asks for both choices."""
    result = FormResult(raw={"contract_kind": _text(form, "contract_kind"), "service_type": _text(form, "service_type")})
    _require(result, {"contract_kind": "请选择技术合同类型", "service_type": "请选择服务类型"})
    return result.build(AwardIn, _given(result.raw, result.raw), {"contract_kind": "技术合同类型",
                                                                 "service_type": "服务类型"})


def parse_reason(form: Mapping[str, Any], *, label: str = "理由") -> FormResult:
    result = FormResult(raw={"reason": _text(form, "reason")})
    _require(result, {"reason": f"请填写{label}"})
    return result.build(ReasonIn, _given(result.raw, ["reason"]), {"reason": label})


RATING_LABELS = {"quality": "质量", "timeliness": "及时性", "communication": "沟通", "comment": "评价"}


def parse_rating(form: Mapping[str, Any]) -> FormResult:
    """Three 1-5 scores and a comment as a RatingIn; the overall score is their rounded mean."""
    result = FormResult(raw={name: _text(form, name) for name in RATING_LABELS})
    _require(result, {name: f"请为{label}打分（1-5）" for name, label in RATING_LABELS.items() if name != "comment"})
    data: dict[str, Any] = _given(result.raw, RATING_LABELS)
    scores = [int(data[name]) for name in ("quality", "timeliness", "communication") if data.get(name, "").isdigit()]
    if len(scores) == 3:
        data["overall"] = round(sum(scores) / len(scores))
    return result.build(RatingIn, data, {name: f"{label}评分" for name, label in RATING_LABELS.items()})


def parse_worklog(form: Mapping[str, Any]) -> FormResult:
    result = FormResult(raw={name: _text(form, name) for name in ("day", "hours", "note")})
    return result.build(WorkLogCreate, _given(result.raw, result.raw), {"day": "日期", "hours": "工时", "note": "备注"})


def parse_profile(form: Mapping[str, Any]) -> FormResult:
    names = ["name", "title", "region", "skills", "fields", "bio", "capacity", "available"]
    result = FormResult(raw={name: _text(form, name) for name in names})
    raw = result.raw
    result.values = {
        "name": _required(raw["name"], result, "name", label="姓名", max_len=60),
        "title": raw["title"][:30] or None,
        "region": raw["region"][:20] or None,
        "skills": split_text(raw["skills"]),
        "fields": split_text(raw["fields"]),
        "bio": raw["bio"][:5000] or None,
        "capacity": _int(raw["capacity"], result, "capacity", label="可同时承接的榜单数", low=0, high=50),
        "available": raw["available"] == "1",
    }
    _check_profile_text(result)
    if not result.values["skills"]:
        result.errors.setdefault("skills", "请至少填写一项技能")
    if result.values["capacity"] is None and "capacity" not in result.errors:
        result.errors["capacity"] = "请填写可同时承接的榜单数"
    return result


def _check_profile_text(result: FormResult) -> None:
    """The profile's text as the API models check theirs: no control characters, not only invisible ones."""
    values = result.values
    checks = [(name, clean_line, values[name]) for name in ("name", "title", "region")]
    checks += [("bio", clean_text, values["bio"])]
    checks += [(name, clean_line, item) for name in ("skills", "fields") for item in values[name]]
    for name, clean, value in checks:
        if value:
            try:
                clean(value)
            except ValueError as exc:
                result.errors.setdefault(name, str(exc))


def parse_milestone(form: Mapping[str, Any]) -> FormResult:
    result = FormResult(raw={name: _text(form, name) for name in ("title", "amount", "due_date")})
    data: dict[str, Any] = {**_given(result.raw, ["title", "due_date"]), "amount": _amount(result.raw["amount"])}
    return result.build(MilestoneCreate, data, {"title": "阶段名称", "amount": "金额", "due_date": "截止日期"})
