"""Roster import: a CSV or XLSX of engineers added to a center's pool in one go.

Columns (Chinese or English headers): external_id/编号, name/姓名 (required), engagement/聘用方式,
title/职称, region/地区, skills/技能, fields/领域, talent_level/人才层次, long_term/长期合作 (是/否).
Every row is checked first; if any is invalid nothing is written.
A row may create an engineer or update one whose profile this center owns: no account of their own and in no
other center's pool. Any other existing engineer is refused: their profile is theirs (or another center's).
"""

from __future__ import annotations

import csv
import io

from sqlmodel import Session, select

from accounts import policy
from accounts.models import User
from core.errors import Invalid
from core.schemas import clean_line, split_text
from talent.models import Center, Engineer, PoolMembership, TalentLevel
from talent.pool import ENGAGEMENTS, add_member

HEADERS = {
    "编号": "external_id", "外部编号": "external_id", "姓名": "name", "聘用方式": "engagement", "职称": "title",
    "地区": "region", "技能": "skills", "领域": "fields", "人才层次": "talent_level", "长期合作": "long_term",
}
YES = {"是", "y", "yes", "true", "1", "长期"}
MAX_ROWS = 5000


def read_rows(filename: str, content: bytes) -> list[dict[str, str]]:
    """Rows as dicts with canonical keys, from .csv (UTF-8, with or without BOM) or .xlsx."""
    name = filename.lower()
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("gb18030", errors="replace")
        raw = list(csv.DictReader(io.StringIO(text)))
    elif name.endswith(".xlsx"):
        # lazy: openpyxl is loaded only for .xlsx files
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as exc:  # a broken or disguised file
            raise Invalid("无法读取 XLSX 文件", field="file") from exc
        rows = list(sheet.iter_rows(values_only=True))
        head = [str(h or "").strip() for h in rows[0]] if rows else []
        raw = [{head[i]: "" if v is None else str(v) for i, v in enumerate(row) if i < len(head)} for row in rows[1:]]
    else:
        raise Invalid("请上传 .csv 或 .xlsx 文件", field="file")
    if len(raw) > MAX_ROWS:
        raise Invalid(f"一次最多导入 {MAX_ROWS} 行", field="file")
    return [{HEADERS.get(k.strip(), k.strip()): (v or "").replace("\x00", "").strip() for k, v in row.items() if k}
            for row in raw]


MAX_LENGTHS = {"external_id": 64, "name": 60, "title": 30, "region": 20, "skills": 2000, "fields": 2000}


def check_rows(rows: list[dict[str, str]]) -> list[str]:
    errors = []
    for number, row in enumerate(rows, start=2):
        for key, limit in MAX_LENGTHS.items():
            value = row.get(key) or ""
            if len(value) > limit:
                errors.append(f"第 {number} 行: {key}: 过长（最多{limit}个字符）")
            elif value:
                try:
                    clean_line(value)
                except ValueError as exc:
                    errors.append(f"第 {number} 行: {key}: {exc}")
        if not row.get("name"):
            errors.append(f"第 {number} 行: name: 姓名必填")
        if row.get("engagement") and row["engagement"] not in ENGAGEMENTS:
            errors.append(f"第 {number} 行: engagement: 应为 {'/'.join(ENGAGEMENTS)} 之一")
        level = row.get("talent_level")
        if level and level not in {t.value for t in TalentLevel}:
            errors.append(f"第 {number} 行: talent_level: 应为 国家级/省级/市级/none")
    return errors


def owned_by(session: Session, *, engineer: Engineer, center: Center) -> bool:
    """True when the center may rewrite this engineer's profile: no account of their own, only in this pool."""
    if session.exec(select(User.id).where(User.engineer_id == engineer.id)).first() is not None:
        return False
    centers = set(session.exec(select(PoolMembership.center_id).where(PoolMembership.engineer_id == engineer.id)))
    return centers == {center.id}


def check_owners(session: Session, rows: list[dict[str, str]], center: Center) -> tuple[list[Engineer | None], list[str]]:
    """The existing engineer of each row (or None: a new one), and an error per row naming one it may not touch."""
    found: list[Engineer | None] = []
    errors, seen = [], set()
    for number, row in enumerate(rows, start=2):
        external_id = row.get("external_id")
        if external_id and external_id in seen:
            errors.append(f"第 {number} 行: external_id: 编号 {external_id} 在文件中重复")
        seen.add(external_id)
        engineer = session.exec(select(Engineer).where(Engineer.external_id == external_id)).first() \
            if external_id else None
        if engineer is not None and not owned_by(session, engineer=engineer, center=center):
            errors.append(f"第 {number} 行: external_id: 编号 {row['external_id']} 属于已有工程师，"
                          "其资料由本人或其他中心维护，名册导入不能修改，请改用邀请入库")
        found.append(engineer)
    return found, errors


def import_roster(session: Session, *, center: Center, filename: str, content: bytes, by: User) -> dict:
    policy.require(policy.can_manage_center(by, center), "只有本中心运营人员可以导入工程师名册")
    rows = read_rows(filename, content)
    errors = check_rows(rows)
    found, owner_errors = check_owners(session, rows, center)
    errors += owner_errors
    if errors:
        raise Invalid("；".join(errors[:20]), field="file")
    created = updated = 0
    for row, engineer in zip(rows, found):
        if engineer is None:
            engineer = Engineer(external_id=row.get("external_id") or None, name=row["name"], region=center.city)
            created += 1
        else:
            updated += 1
        engineer.name = row["name"]
        for key in ("title", "region", "talent_level"):
            if row.get(key):
                setattr(engineer, key, row[key])
        for key in ("skills", "fields"):
            if row.get(key):
                setattr(engineer, key, split_text(row[key]))
        session.add(engineer)
        session.flush()
        add_member(session, center=center, engineer=engineer, engagement=row.get("engagement"),
                   long_term=row.get("long_term", "").lower() in YES, status="active", by=by)
    return {"created": created, "updated": updated, "rows": len(rows)}
