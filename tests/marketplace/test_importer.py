"""`xiechuang import engineers|challenges`: validation, upsert, atomicity, file formats."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlmodel import select

from accounts.models import Organisation
from core.creditcode import check_character, validate_credit_code
from core.db import build_engine
from core.errors import Invalid
from core.eventlog import Event
from core.migrate import upgrade
from marketplace.challenges.models import Challenge
from marketplace.importer.files import parse_csv, parse_jsonl, read_records
from marketplace.importer.records import ChallengeRecord, EngineerRecord, parse_record
from marketplace.importer.service import apply_import, import_file, plan_import
from talent.models import Center, Engineer, PoolMembership
from tests.factories import make_center
from tests.scratch import scratch_database

CLI = [sys.executable, "-c", "from web.cli import main; main()"]


def credit_code(body: str = "91430100MA4L0TXX3") -> str:
    return body + check_character(body)


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def write_csv(path: Path, rows: list[dict], *, encoding: str = "utf-8") -> Path:
    header = list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[dict]) -> Path:
    header = list(dict.fromkeys(k for r in rows for k in r))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(h) for h in header])
    book.save(path)
    return path


ENGINEERS = [
    {"external_id": "IMP-E1", "name": "李明", "center": "导入测试工程机械中心", "title": "正高级工程师",
     "skills": "液压；电液控制、密封", "fields": "工程机械", "region": "长沙市", "engagement": "双聘",
     "talent_level": "省级", "capacity": "3", "bio": "长期从事液压系统设计"},
    {"external_id": "IMP-E2", "name": "王芳", "center": "导入测试工程机械中心", "skills": "焊接,结构强度",
     "engagement": "兼职", "capacity": "1"},
    {"external_id": "IMP-E3", "name": "赵强", "skills": "嵌入式", "capacity": "0"},
]


def errors_of(session, kind: str, path: Path) -> list[str]:
    return [str(e) for e in plan_import(session, kind=kind, raw=read_records(path)).errors]


class TestEngineers:
    def test_csv_creates_engineers_centers_and_pool_memberships(self, session, tmp_path):
        path = write_csv(tmp_path / "e.csv", ENGINEERS)
        result, errors = import_file(session, kind="engineers", path=path)
        assert errors == []
        assert result.as_dict() == {"created": 3, "updated": 0, "skipped": 0}
        li = session.exec(select(Engineer).where(Engineer.external_id == "IMP-E1")).one()
        assert li.skills == ["液压", "电液控制", "密封"]
        assert (li.capacity, li.talent_level, li.engagement, li.title) == (3, "省级", "双聘", "正高级工程师")
        center = session.exec(select(Center).where(Center.name == "导入测试工程机械中心")).one()
        pool = session.exec(select(PoolMembership).where(PoolMembership.center_id == center.id)).all()
        assert sorted(m.engagement for m in pool) == ["兼职", "双聘"]
        joined = session.exec(select(Event).where(Event.kind == "pool.joined", Event.center_id == center.id)).all()
        assert len(joined) == 2

    def test_reimport_updates_instead_of_duplicating(self, session, tmp_path):
        import_file(session, kind="engineers", path=write_jsonl(tmp_path / "a.jsonl", ENGINEERS))
        changed = [dict(ENGINEERS[0], title="教授级高工", capacity=5)]
        result, _ = import_file(session, kind="engineers", path=write_jsonl(tmp_path / "b.jsonl", changed))
        assert result.as_dict() == {"created": 0, "updated": 1, "skipped": 0}
        rows = session.exec(select(Engineer).where(Engineer.external_id == "IMP-E1")).all()
        assert len(rows) == 1 and rows[0].title == "教授级高工" and rows[0].capacity == 5
        memberships = session.exec(select(PoolMembership).where(PoolMembership.engineer_id == rows[0].id)).all()
        assert len(memberships) == 1

    def test_center_given_by_external_id_is_reused(self, session, tmp_path):
        center = make_center(session)
        center.external_id = "CTR-IMP"
        session.flush()
        import_file(session, kind="engineers", path=write_jsonl(tmp_path / "c.jsonl",
                                                                [{"external_id": "IMP-E9", "name": "周工", "center": "CTR-IMP"}]))
        engineer = session.exec(select(Engineer).where(Engineer.external_id == "IMP-E9")).one()
        membership = session.exec(select(PoolMembership).where(PoolMembership.engineer_id == engineer.id)).one()
        assert membership.center_id == center.id

    @pytest.mark.parametrize("row, expected", [
        ({"external_id": "X1", "name": "甲", "capacity": -2}, "line 1: capacity: 不能为负数"),
        ({"external_id": "X1", "name": "甲", "capacity": "两个"}, "line 1: capacity: 应为整数"),
        ({"external_id": "X1", "name": "甲", "engagement": "外包"}, "line 1: engagement: 未知的聘用方式“外包”"),
        ({"external_id": "X1", "name": ""}, "line 1: name: 必填项为空"),
        ({"name": "甲"}, "line 1: external_id: 必填项为空"),
        ({"external_id": "X1", "name": "甲", "talent_level": "院士级"}, "line 1: talent_level: 未知的人才层级"),
        ({"external_id": "X1", "name": "甲\x00乙"}, "line 1: name: 含有非法的空字符"),
        ({"external_id": "X1", "name": "甲\x07乙"}, "line 1: name: 包含不允许的控制字符"),
        ({"external_id": "X1", "name": "\u200b\u200d\u2060"}, "line 1: name: 内容不能只有空白或不可见字符"),
        ({"external_id": "X1", "name": "甲", "skills": ["液压", "\x1b[31m"]}, "line 1: skills: 包含不允许的控制字符"),
    ])
    def test_each_bad_value_is_named_with_line_and_field(self, session, tmp_path, row, expected):
        errors = errors_of(session, "engineers", write_jsonl(tmp_path / "bad.jsonl", [row]))
        assert len(errors) == 1 and errors[0].startswith(expected)

    def test_csv_line_numbers_count_the_header(self, session, tmp_path):
        rows = [ENGINEERS[0], dict(ENGINEERS[1], capacity="-1"), ENGINEERS[2]]
        assert errors_of(session, "engineers", write_csv(tmp_path / "e.csv", rows)) == ["line 3: capacity: 不能为负数"]

    def test_several_problems_of_one_record_make_one_report_line(self, session, tmp_path):
        rows = [ENGINEERS[0], {"external_id": "X9", "name": "", "capacity": -1, "engagement": "外包"}]
        plan = plan_import(session, kind="engineers", raw=read_records(write_jsonl(tmp_path / "two.jsonl", rows)))
        assert plan.report() == ["line 2: engagement: 未知的聘用方式“外包”，可选：全职|双聘|项目聘用|柔性引进|兼职|顾问"
                                 "；capacity: 不能为负数；name: 必填项为空"]

    def test_duplicate_external_id_in_one_file_is_an_error(self, session, tmp_path):
        rows = [ENGINEERS[0], dict(ENGINEERS[0], name="李明二")]
        assert errors_of(session, "engineers", write_jsonl(tmp_path / "d.jsonl", rows)) == [
            "line 2: external_id: 与第1行重复"]

    def test_gb18030_csv_with_chinese_headers(self, session, tmp_path):
        path = tmp_path / "gbk.csv"
        path.write_bytes("编号,姓名,技能,容量\nGB-1,欧阳工,数控；刀具,2\n".encode("gb18030"))
        result, errors = import_file(session, kind="engineers", path=path)
        assert errors == [] and result.created == 1
        assert session.exec(select(Engineer).where(Engineer.external_id == "GB-1")).one().skills == ["数控", "刀具"]

    def test_utf8_bom_csv(self, session, tmp_path):
        path = tmp_path / "bom.csv"
        path.write_bytes("\ufeffexternal_id,name\nBOM-1,陈工\n".encode("utf-8"))
        result, errors = import_file(session, kind="engineers", path=path)
        assert errors == [] and result.created == 1

    def test_xlsx_rows_are_numbered_as_in_excel(self, session, tmp_path):
        rows = [ENGINEERS[0], dict(ENGINEERS[1], engagement="临时工")]
        errors = errors_of(session, "engineers", write_xlsx(tmp_path / "e.xlsx", rows))
        assert errors == ["line 3: engagement: 未知的聘用方式“临时工”，可选：全职|双聘|项目聘用|柔性引进|兼职|顾问"]

    def test_xlsx_numbers_become_ids_and_capacity(self, session, tmp_path):
        path = write_xlsx(tmp_path / "n.xlsx", [{"external_id": 1001, "name": "刘工", "capacity": 4.0}])
        result, errors = import_file(session, kind="engineers", path=path)
        assert errors == [] and result.created == 1
        assert session.exec(select(Engineer).where(Engineer.external_id == "1001")).one().capacity == 4


    @pytest.mark.parametrize("ref", ["99999999999999999999", "²³"])
    def test_digit_center_names_beyond_any_id_become_centers(self, session, tmp_path, ref):
        path = write_jsonl(tmp_path / "d.jsonl", [{"external_id": "DIG-1", "name": "数字工", "center": ref}])
        result, errors = import_file(session, kind="engineers", path=path)
        assert errors == [] and result.created == 1
        assert session.exec(select(Center).where(Center.name == ref)).one()


class TestChallenges:
    def rows(self, center_name: str) -> list[dict]:
        return [
            {"external_id": "IMP-C1", "title": "挖掘机液压阀内泄", "description": "高温下内泄超标，需要优化阀芯间隙",
             "company": "导入测试重工有限公司", "credit_code": credit_code(), "fields": "工程机械",
             "skills": "液压；密封", "region": "长沙市", "budget": "300000", "deadline": "2027-03-31",
             "kpis": "内泄量≤5 mL/min", "ip_terms": "归企业所有", "center": center_name},
            {"external_id": "IMP-Q1", "kind": "consultation", "title": "焊缝气孔怎么办",
             "description": "二保焊气孔多", "company": "导入测试重工有限公司"},
        ]

    def test_import_opens_challenges_with_company_and_event(self, session, tmp_path):
        center = make_center(session)
        result, errors = import_file(session, kind="challenges",
                                     path=write_jsonl(tmp_path / "c.jsonl", self.rows(center.name)))
        assert errors == [] and result.as_dict() == {"created": 2, "updated": 0, "skipped": 0}
        challenge = session.exec(select(Challenge).where(Challenge.external_id == "IMP-C1")).one()
        assert challenge.status == "open" and challenge.published_at is not None
        assert (challenge.budget, challenge.deadline, challenge.center_id) == (Decimal("300000.00"), date(2027, 3, 31), center.id)
        org = session.get(Organisation, challenge.company_id)
        assert org.credit_code == credit_code() and org.kind == "enterprise"
        consultation = session.exec(select(Challenge).where(Challenge.external_id == "IMP-Q1")).one()
        assert consultation.kind == "consultation" and consultation.company_id == org.id
        published = session.exec(select(Event).where(Event.kind == "challenge.published",
                                                     Event.challenge_id == challenge.id)).all()
        assert len(published) == 1 and published[0].center_id == center.id

    @pytest.mark.parametrize("change, expected", [
        ({"credit_code": credit_code()[:-1] + ("1" if credit_code().endswith("0") else "0")}, "line 1: credit_code: 统一社会信用代码校验位错误"),
        ({"deadline": "2027/03/31"}, "line 1: deadline: 日期格式应为 YYYY-MM-DD"),
        ({"deadline": "2027-02-30"}, "line 1: deadline: 日期“2027-02-30”不存在"),
        ({"budget": "-5"}, "line 1: budget: 不能为负数"),
        ({"kind": "tender"}, "line 1: kind: 未知的类型“tender”"),
        ({"description": " "}, "line 1: description: 必填项为空"),
        ({"center": "不存在的中心"}, "line 1: center: 中心“不存在的中心”不存在"),
    ])
    def test_bad_challenge_values(self, session, tmp_path, change, expected):
        center = make_center(session)
        row = dict(self.rows(center.name)[0], **change)
        errors = errors_of(session, "challenges", write_jsonl(tmp_path / "bad.jsonl", [row]))
        assert len(errors) == 1 and errors[0].startswith(expected), errors

    def test_credit_code_of_another_company_is_refused(self, session, tmp_path):
        session.add(Organisation(name="另一家公司", credit_code=credit_code()))
        session.flush()
        row = self.rows("x")[0]
        row.pop("center")
        assert errors_of(session, "challenges", write_jsonl(tmp_path / "c.jsonl", [row])) == [
            "line 1: credit_code: 该信用代码已属于“另一家公司”"]

    def test_bad_record_means_nothing_is_written(self, session, tmp_path):
        rows = self.rows(make_center(session).name) + [{"external_id": "IMP-BAD", "title": "缺描述"}]
        plan = plan_import(session, kind="challenges", raw=read_records(write_jsonl(tmp_path / "m.jsonl", rows)))
        assert [str(e) for e in plan.errors] == ["line 3: description: 必填项为空"]
        with pytest.raises(Invalid):
            apply_import(session, plan=plan)
        assert session.exec(select(Challenge).where(Challenge.external_id == "IMP-C1")).first() is None
        result = apply_import(session, plan=plan, skip_invalid=True)
        assert result.as_dict() == {"created": 2, "updated": 0, "skipped": 1}

    def test_records_of_other_types_in_an_evaluation_set_are_ignored(self, session, tmp_path):
        rows = [{"type": "engineer", "external_id": "EV-E1", "name": "甲"},
                {"type": "qrel", "challenge": "EV-C1", "engineer": "EV-E1", "grade": 3},
                {"type": "challenge", "external_id": "EV-C1", "title": "题", "description": "描述"}]
        result, errors = import_file(session, kind="challenges", path=write_jsonl(tmp_path / "set.jsonl", rows))
        assert errors == [] and result.created == 1


class TestBrokenFiles:
    @pytest.mark.parametrize("name, content, reason", [
        ("x.jsonl", b'{"external_id": "A", "name": "a"}\n{broken\n', "第2行不是合法的 JSON"),
        ("x.jsonl", b'["not", "an object"]\n', "第1行应为一个 JSON 对象"),
        ("x.xlsx", b"PK\x03\x04 this is no workbook", "XLSX 文件已损坏"),
        ("x.txt", b"external_id,name\n", "不支持的文件类型"),
        ("x.csv", b"", "文件为空"),
    ])
    def test_broken_file_is_one_clear_error(self, tmp_path, name, content, reason):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(Invalid) as caught:
            read_records(path)
        assert reason in caught.value.message


# ---------------------------------------------------------------- the real command line

@pytest.fixture(scope="module")
def cli_db(tmp_path_factory):
    with scratch_database("import") as url:
        upgrade(url)
        yield url


def xiechuang(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "XIECHUANG_DATABASE_URL": url, "XIECHUANG_MODE": "development",
           "XIECHUANG_EMBEDDING_BACKEND": "none"}
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=120)


def count(url: str, table: str) -> int:
    engine = build_engine(url)
    with engine.connect() as conn:
        value = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    engine.dispose()
    return value


def test_cli_bad_record_among_good_ones_writes_nothing_then_skip_invalid_lands_the_rest(cli_db, tmp_path):
    rows = [ENGINEERS[0], dict(ENGINEERS[1], capacity="-3"), ENGINEERS[2]]
    path = write_csv(tmp_path / "engineers.csv", rows)
    before = {t: count(cli_db, t) for t in ("engineer", "center", "poolmembership", "event")}
    failed = xiechuang(cli_db, "import", "engineers", str(path))
    assert failed.returncode == 1
    assert failed.stderr.splitlines() == ["line 3: capacity: 不能为负数"]
    assert "Traceback" not in failed.stderr
    assert {t: count(cli_db, t) for t in before} == before

    landed = xiechuang(cli_db, "import", "engineers", str(path), "--skip-invalid")
    assert landed.returncode == 0, landed.stderr
    assert "line 3: capacity: 不能为负数" in landed.stderr
    assert json.loads(landed.stdout) == {"created": 2, "updated": 0, "skipped": 1}
    assert count(cli_db, "engineer") == before["engineer"] + 2

    again = xiechuang(cli_db, "import", "engineers", str(write_jsonl(tmp_path / "e.jsonl", [ENGINEERS[0]])))
    assert json.loads(again.stdout) == {"created": 0, "updated": 1, "skipped": 0}
    assert count(cli_db, "engineer") == before["engineer"] + 2


def test_cli_broken_xlsx_exits_1_with_one_line(cli_db, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04garbage")
    before = count(cli_db, "challenge")
    result = xiechuang(cli_db, "import", "challenges", str(path))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "XLSX 文件已损坏" in result.stderr
    assert count(cli_db, "challenge") == before


def test_cli_challenges_from_xlsx(cli_db, tmp_path):
    rows = [{"external_id": "XL-C1", "title": "轴承异响诊断", "description": "风机主轴承异响", "company": "命令行测试风电有限公司",
             "credit_code": credit_code("91430200MA4L0TXX3"), "budget": 80000, "deadline": "2027-01-15"},
            {"external_id": "XL-C2", "title": "缺少描述"}]
    path = write_xlsx(tmp_path / "c.xlsx", rows)
    failed = xiechuang(cli_db, "import", "challenges", str(path))
    assert failed.returncode == 1 and "line 3: description: 必填项为空" in failed.stderr
    landed = xiechuang(cli_db, "import", "challenges", str(path), "--skip-invalid")
    assert json.loads(landed.stdout) == {"created": 1, "updated": 0, "skipped": 1}


# ---------------------------------------------------------------- random input never crashes

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
cells = st.one_of(st.none(), st.text(max_size=30), st.integers(), st.floats(allow_nan=True), st.booleans(),
                  st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


class TestRandomInput:
    @FUZZ
    @given(st.binary(max_size=400))
    def test_csv_bytes_parse_or_fail_cleanly(self, data):
        try:
            records = parse_csv(data)
        except Invalid as exc:
            assert exc.message and "\n" not in exc.message
            return
        assert all(r.line >= 2 for r in records)

    @FUZZ
    @given(st.binary(max_size=400) | st.text(max_size=200).map(str.encode))
    def test_jsonl_bytes_parse_or_fail_cleanly(self, data):
        try:
            parse_jsonl(data)
        except Invalid as exc:
            assert exc.message and "\n" not in exc.message

    @FUZZ
    @given(st.text(max_size=30))
    def test_credit_code_validator_only_raises_value_error(self, code):
        try:
            assert len(validate_credit_code(code)) == 18
        except ValueError as exc:
            assert "统一社会信用代码" in str(exc)

    @FUZZ
    @given(st.dictionaries(st.sampled_from(["external_id", "name", "capacity", "engagement", "talent_level", "skills",
                                            "title", "kind", "budget", "deadline", "credit_code", "description"]),
                           cells, max_size=8))
    def test_records_are_valid_or_give_chinese_reasons(self, data):
        for model in (EngineerRecord, ChallengeRecord):
            record, problems = parse_record(model, data)
            assert (record is None) == bool(problems)
            assert all(isinstance(f, str) and reason for f, reason in problems)
