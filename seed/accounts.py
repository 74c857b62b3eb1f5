"""The demo accounts: one per role, linked to real demo data. Printed by `xiechuang serve` in development."""

from __future__ import annotations

DEMO_PASSWORD = "demo2026"

# (username, password, role, Chinese label)
DEMO_ACCOUNTS: list[tuple[str, str, str, str]] = [
    ("demo_sme", DEMO_PASSWORD, "sme", "企业用户"),
    ("demo_engineer", DEMO_PASSWORD, "engineer", "共享工程师"),
    ("demo_center", DEMO_PASSWORD, "center", "中心运营"),
    ("demo_city", DEMO_PASSWORD, "city", "市州工信局"),
    ("demo_province", DEMO_PASSWORD, "province", "省工信厅"),
    ("demo_expert", DEMO_PASSWORD, "expert", "评审专家"),
    ("demo_admin", DEMO_PASSWORD, "admin", "平台管理员"),
]

DEMO_FIRM = "湖南岳麓智能液压科技有限公司"
DEMO_CENTER_KEY = "CSGJ"  # 长沙工程机械: run by demo_center, home of demo_engineer and demo_sme
DEMO_CITY = "长沙市"
