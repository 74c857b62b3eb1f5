"""Read import files (.jsonl, .csv, .xlsx) into numbered raw records.

A broken file (undecodable text, a bad JSON line, a corrupted workbook, an
unknown extension) raises Invalid with a one-line Chinese reason; a record
that is merely wrong is left to the validators, with its line number.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import Invalid

SUFFIXES = (".jsonl", ".csv", ".xlsx")
MAX_BYTES = 50 * 1024 * 1024

# Chinese column headings people put in spreadsheets, mapped to the contract's names.
HEADER_ALIASES = {
    "编号": "external_id", "外部编号": "external_id", "姓名": "name", "名称": "name", "中心": "center",
    "所属中心": "center", "职称": "title", "技能": "skills", "专业技能": "skills", "领域": "fields",
    "技术领域": "fields", "简介": "bio", "个人简介": "bio", "地区": "region", "所在地区": "region",
    "聘用方式": "engagement", "人才层级": "talent_level", "人才等级": "talent_level", "容量": "capacity",
    "类型": "kind", "标题": "title", "榜单名称": "title", "描述": "description", "需求描述": "description",
    "企业": "company", "企业名称": "company", "统一社会信用代码": "credit_code", "信用代码": "credit_code",
    "预算": "budget", "截止日期": "deadline", "核心指标": "kpis", "产权归属": "ip_terms",
}


@dataclass
class RawRecord:
    line: int
    data: dict[str, Any] = field(default_factory=dict)
    problem: tuple[str, str] | None = None  # (field, reason) found while reading


def read_records(path: Path) -> list[RawRecord]:
    """Read a file chosen by its extension."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise Invalid(f"不支持的文件类型“{suffix or '无扩展名'}”，应为 .jsonl、.csv 或 .xlsx", field="file")
    if not path.is_file():
        raise Invalid(f"文件不存在：{path}", field="file")
    if path.stat().st_size > MAX_BYTES:
        raise Invalid(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请拆分后导入", field="file")
    return parse_bytes(path.read_bytes(), suffix)


def parse_bytes(data: bytes, suffix: str) -> list[RawRecord]:
    if suffix == ".jsonl":
        return parse_jsonl(data)
    if suffix == ".csv":
        return parse_csv(data)
    if suffix == ".xlsx":
        return parse_xlsx(data)
    raise Invalid(f"不支持的文件类型“{suffix}”，应为 .jsonl、.csv 或 .xlsx", field="file")


def decode_text(data: bytes) -> str:
    """UTF-8 with or without BOM; GB18030 as the fallback Excel users produce."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise Invalid("文件编码无法识别，应为 UTF-8 或 GB18030", field="file") from None


def header_name(value: Any) -> str:
    text = str(value if value is not None else "").strip().lstrip("\ufeff").strip()
    return HEADER_ALIASES.get(text, text.lower())


def parse_jsonl(data: bytes) -> list[RawRecord]:
    records = []
    for number, line in enumerate(decode_text(data).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "嵌套过深"
            raise Invalid(f"第{number}行不是合法的 JSON（{reason}）", field="file") from None
        if not isinstance(obj, dict):
            raise Invalid(f"第{number}行应为一个 JSON 对象", field="file")
        records.append(RawRecord(number, {header_name(k): v for k, v in obj.items()}))
    return records


def parse_csv(data: bytes) -> list[RawRecord]:
    text = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[RawRecord] = []
    header: list[str] | None = None
    try:
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [header_name(cell) for cell in row]
                continue
            record = RawRecord(start, {name: cell for name, cell in zip(header, row) if name})
            if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):
                record.problem = ("record", f"列数（{len(row)}）多于表头（{len(header)}）")
            records.append(record)
    except csv.Error as exc:
        raise Invalid(f"CSV 文件格式错误（第{reader.line_num}行：{exc}）", field="file") from None
    if header is None:
        raise Invalid("文件为空：缺少表头行", field="file")
    return records


def parse_xlsx(data: bytes) -> list[RawRecord]:
    # lazy: openpyxl is loaded only for .xlsx files
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        first_row = sheet.min_row or 1
        workbook.close()
    except Exception:  # zip, XML and openpyxl errors alike: the workbook is unreadable
        raise Invalid("XLSX 文件已损坏或不是有效的 Excel 工作簿", field="file") from None
    records: list[RawRecord] = []
    header: list[str] | None = None
    for number, row in enumerate(rows, start=first_row):
        if not any(cell not in (None, "") and str(cell).strip() for cell in row):
            continue
        if header is None:
            header = [header_name(cell) for cell in row]
            continue
        records.append(RawRecord(number, {name: cell for name, cell in zip(header, row) if name}))
    if header is None:
        raise Invalid("工作表为空：缺少表头行", field="file")
    return records
