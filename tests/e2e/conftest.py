"""Browser tests: the real app in a uvicorn subprocess on its own fresh database, driven by Chromium.

The database is a temporary SQLite file, or, when XIECHUANG_TEST_DATABASE_URL
points at PostgreSQL, a separate `<db>_e2e` database created and dropped here.
Users come from `xiechuang user create`, starting data from `xiechuang import`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from core.db import build_engine
from tests.servers import cli, running_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--lang=zh-CN"]
PASSWORD = "E2e-river-7421-lamp"  # passes the strength policy
CENTER = "长沙工程机械工程师协同创新中心"
FIRM = "湖南三一测试重工有限公司"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# username -> (role, extra CLI options, display name)
USERS = {
    "e2e_firm": ("sme", ["--org", FIRM], "王经理"),
    "e2e_engineer": ("engineer", ["--engineer", "E2E-ENG-1"], "陈工"),
    "e2e_center": ("center", ["--center", CENTER], "中心运营李"),
    "e2e_city": ("city", ["--region", "长沙市"], "长沙市工信局"),
    "e2e_province": ("province", [], "省工信厅"),
    "e2e_expert": ("expert", [], "评审专家赵"),
    "e2e_admin": ("admin", [], "平台管理员"),
}

ENGINEERS = [
    {"external_id": "E2E-ENG-1", "name": "陈工", "center": CENTER, "title": "高级工程师", "skills": ["液压", "电液控制", "密封"],
     "fields": ["工程机械"], "bio": "长期从事挖掘机液压系统设计与故障诊断。", "region": "长沙市", "engagement": "双聘",
     "talent_level": "省级", "capacity": 3},
    {"external_id": "E2E-ENG-2", "name": "刘工", "center": CENTER, "title": "工程师", "skills": ["PLC", "伺服控制"],
     "fields": ["工程机械"], "bio": "智能产线电气控制。", "region": "株洲市", "engagement": "兼职", "capacity": 2},
]
CHALLENGES = [
    {"external_id": "E2E-CH-1", "title": "混凝土泵车臂架振动抑制", "description": "泵车臂架末端振幅过大，影响布料精度，需要主动减振方案。",
     "company": "湖南中联测试装备有限公司", "fields": ["工程机械"], "skills": ["振动控制", "液压"], "region": "长沙市",
     "budget": 800000, "deadline": "2027-03-31", "kpis": "末端振幅降低50%以上", "ip_terms": "归企业所有", "center": CENTER},
    {"external_id": "E2E-CH-2", "title": "PLC 产线节拍优化", "description": "装配线节拍不稳定，需优化 PLC 控制逻辑。",
     "company": "株洲测试电机有限公司", "fields": ["轨道交通装备"], "skills": ["PLC"], "region": "株洲市", "budget": 200000,
     "deadline": "2027-02-28", "kpis": "节拍提升15%"},
]


@dataclass
class Site:
    base: str
    url: str
    var_dir: Path
    center_id: int | None = None


def _postgres_e2e_url(base_url: str) -> str:
    url = make_url(base_url)
    return url.set(database=f"{url.database}_e2e").render_as_string(hide_password=False)


def _admin_exec(url: str, statement: str) -> None:
    engine = build_engine(make_url(url).set(database="postgres").render_as_string(hide_password=False))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(statement))
    engine.dispose()


USER_SCRIPT = """
import json, sys
from web.cli import app
for args in json.loads(sys.argv[1]):
    app(args, standalone_mode=False)
"""


def _create_users(url: str, var_dir: Path) -> None:
    """`xiechuang user create` for every role, in one process to keep the start-up short."""
    env = {**os.environ, "XIECHUANG_DATABASE_URL": url, "XIECHUANG_VAR_DIR": str(var_dir), "XIECHUANG_MODE": "test"}
    commands = [["user", "create", "--username", username, "--password", PASSWORD, "--role", role, "--name", display,
                 *extra] for username, (role, extra, display) in USERS.items()]
    result = subprocess.run([sys.executable, "-c", USER_SCRIPT, json.dumps(commands, ensure_ascii=False)], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"user create failed: {result.stderr[-2000:]}"


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    tmp = Path(tempfile.mkdtemp(prefix="xiechuang-e2e-"))
    base_url = os.environ.get("XIECHUANG_TEST_DATABASE_URL", "")
    if base_url.startswith("postgresql"):
        url = _postgres_e2e_url(base_url)
        name = make_url(url).database
        _admin_exec(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _admin_exec(url, f'CREATE DATABASE "{name}"')
    else:
        url = f"sqlite:///{tmp / 'e2e.db'}"
    cli(url, tmp, "db", "upgrade")
    for kind, records in (("engineers", ENGINEERS), ("challenges", CHALLENGES)):
        path = tmp / f"{kind}.jsonl"
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
        cli(url, tmp, "import", kind, str(path))
    cli(url, tmp, "index", "rebuild")  # as `make run` does: no page request builds an index
    _create_users(url, tmp)
    try:
        with running_app(url, tmp) as base:
            yield Site(base=base, url=url, var_dir=tmp)
    finally:
        if base_url.startswith("postgresql"):
            _admin_exec(url, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def browser():
    # lazy: Playwright is loaded only by the browser tests
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, site):
    """Open a fresh browser context (own cookies) at a given viewport width; collect console errors."""
    contexts = []

    def make(width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", base_url=site.base)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []  # type: ignore[attr-defined]
        page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
        page.set_default_timeout(15000)
        return page

    yield make
    for context in contexts:
        context.close()


def sign_in(page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert "/login" not in page.url, f"sign-in failed for {username}"


def api_token(site: Site, username: str) -> str:
    resp = httpx.post(f"{site.base}/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


ENGLISH = re.compile(r"[A-Za-z][A-Za-z\-]+")
ALLOWED_WORDS = {"PLC", "CNC", "MES", "FMEA", "API", "CAE", "CAD", "KPI", "IP", "ID", "PDF", "XLSX", "DOCX", "CSV",
                 "JSON", "CSRF", "YYYY-MM-DD", "YYYY", "MM", "DD", "KB", "MB", "mL", "min", "QQ", "OpenAPI", "GB",
                 "T", "AI", "ERP", "PLM", "IoT", "GPU", "CPU", "EDA", "SCADA", "DCS", "AGV", "BIM", "Excel", "Word",
                 "CMA", "CNAS", "ISO", "PCB", "LED", "IGBT", "SiC", "E",
                 "Office", "dB", "mm", "kW", "MPa", "rpm", "Hz", "kg", "h"}


def english_words(visible_text: str, allowed: set[str]) -> set[str]:
    """Latin words in the interface that are neither acronyms nor data we typed in."""
    known = {w.lower() for w in ALLOWED_WORDS | allowed}
    return {w for w in ENGLISH.findall(visible_text) if w.lower() not in known}
