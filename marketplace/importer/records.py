"""Import record models: every cell parsed here, every reason in Chinese."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from core.creditcode import validate_credit_code
from core.schemas import PLAN_DAYS, check_date, clean_line, clean_text, split_text
from talent.models import Engagement, TalentLevel

MAX_BUDGET = Decimal("999999999999.99")


class CellError(ValueError):
    """A cell's reason, already in Chinese."""


def _scalar_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, (dict, list, tuple)):
        raise CellError("应为文本")
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets turn 1001 into 1001.0
    text = str(value).strip()
    if "\x00" in text:
        raise CellError("含有非法的空字符")
    return text or None


def _clean(text: str, clean) -> str:
    try:
        return clean(text)
    except ValueError as exc:
        raise CellError(str(exc)) from None


def text(max_length: int):
    clean = clean_line if max_length <= 200 else clean_text

    def parse(value: Any) -> str | None:
        result = _scalar_text(value)
        if result is not None and len(result) > max_length:
            raise CellError(f"过长（最多{max_length}个字符）")
        return None if result is None else _clean(result, clean)

    return BeforeValidator(parse)


def parse_list(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else split_text(_scalar_text(value))
    out: list[str] = []
    for item in items:
        piece = _scalar_text(item)
        if piece and piece not in out:
            if len(piece) > 60:
                raise CellError(f"列表项“{piece[:10]}…”过长（最多60个字符）")
            out.append(_clean(piece, clean_line))
    return out


def parse_capacity(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError("应为整数")
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError("应为整数")
        value = int(value)
    if isinstance(value, str):
        stripped = value.strip()
        if not re.fullmatch(r"[+-]?\d{1,6}", stripped):
            raise CellError("应为整数")
        value = int(stripped)
    if not isinstance(value, int):
        raise CellError("应为整数")
    if value < 0:
        raise CellError("不能为负数")
    if value > 1000:
        raise CellError("过大（最多1000）")
    return value


def parse_budget(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise CellError("应为金额数字（元）")
    if isinstance(value, float) and not math.isfinite(value):
        raise CellError("应为金额数字（元）")
    raw = str(value).strip().replace(",", "").replace("，", "").lstrip("¥￥").removesuffix("元")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise CellError("应为金额数字（元）") from None
    if not amount.is_finite():
        raise CellError("应为金额数字（元）")
    if amount < 0:
        raise CellError("不能为负数")
    if amount > MAX_BUDGET:
        raise CellError("金额过大")
    return amount.quantize(Decimal("0.01"))


def parse_date(value: Any) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise CellError(f"日期“{value.strip()}”不存在") from None
    if not isinstance(value, date):
        raise CellError("日期格式应为 YYYY-MM-DD")
    try:
        return check_date(value, future_days=PLAN_DAYS)
    except ValueError as exc:
        raise CellError(str(exc)) from None


def choice(allowed: dict[str, str], label: str):
    """A value from a vocabulary; `allowed` maps accepted spellings to the stored value."""

    def parse(value: Any) -> str | None:
        result = _scalar_text(value)
        if result is None:
            return None
        key = result.lower() if result.isascii() else result
        if key not in allowed:
            raise CellError(f"未知的{label}“{result}”，可选：{'|'.join(dict.fromkeys(allowed.values()))}")
        return allowed[key]

    return BeforeValidator(parse)


def parse_credit_code(value: Any) -> str | None:
    code = _scalar_text(value)
    if code is None:
        return None
    try:
        return validate_credit_code(code)
    except ValueError as exc:
        raise CellError(str(exc)) from None


ENGAGEMENTS = {e.value: e.value for e in Engagement}
TALENT_LEVELS = {**{t.value: t.value for t in TalentLevel}, "无": "none", "": "none"}
KINDS = {"challenge": "challenge", "consultation": "consultation", "揭榜挂帅": "challenge", "在线问诊": "consultation"}

StrList = Annotated[list[str], BeforeValidator(parse_list)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore")


class EngineerRecord(_Record):
    external_id: Annotated[str | None, text(64)] = None
    name: Annotated[str | None, text(60)] = None
    center: Annotated[str | None, text(120)] = None
    title: Annotated[str | None, text(30)] = None
    skills: StrList = []
    fields: StrList = []
    bio: Annotated[str | None, text(4000)] = None
    region: Annotated[str | None, text(20)] = None
    engagement: Annotated[str | None, choice(ENGAGEMENTS, "聘用方式")] = None
    talent_level: Annotated[str | None, choice(TALENT_LEVELS, "人才层级")] = None
    capacity: Annotated[int | None, BeforeValidator(parse_capacity)] = None

    REQUIRED: ClassVar[tuple[str, ...]] = ("external_id", "name")


class ChallengeRecord(_Record):
    external_id: Annotated[str | None, text(64)] = None
    kind: Annotated[str | None, choice(KINDS, "类型")] = None
    title: Annotated[str | None, text(200)] = None
    description: Annotated[str | None, text(20000)] = None
    company: Annotated[str | None, text(120)] = None
    credit_code: Annotated[str | None, BeforeValidator(parse_credit_code)] = None
    fields: StrList = []
    skills: StrList = []
    region: Annotated[str | None, text(20)] = None
    budget: Annotated[Decimal | None, BeforeValidator(parse_budget)] = None
    deadline: Annotated[date | None, BeforeValidator(parse_date)] = None
    kpis: Annotated[str | None, text(4000)] = None
    ip_terms: Annotated[str | None, text(4000)] = None
    center: Annotated[str | None, text(120)] = None

    REQUIRED: ClassVar[tuple[str, ...]] = ("external_id", "title", "description")


RECORD_MODELS: dict[str, type[_Record]] = {"engineers": EngineerRecord, "challenges": ChallengeRecord}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_record(model: type[_Record], data: dict[str, Any]) -> tuple[_Record | None, list[tuple[str, str]]]:
    """The record, or every (field, reason) that makes it invalid."""
    problems: list[tuple[str, str]] = []
    record = None
    try:
        record = model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ())) or "record"
            ctx_error = (err.get("ctx") or {}).get("error")
            problems.append((where, str(ctx_error) if isinstance(ctx_error, CellError) else "取值无效"))
    flagged = {where for where, _ in problems}
    for name in model.REQUIRED:
        if name not in flagged and _blank(data.get(name)):
            problems.append((name, "必填项为空"))
    return (None, problems) if problems else (record, [])
