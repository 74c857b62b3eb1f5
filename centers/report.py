"""The annual report of 第十三条: generated from the data, with editable narrative sections.

Sections: 人才集聚, 平台建设, 技术服务, 机制创新, 财政资金和自筹经费使用情况, 主要成效. Each has figures
computed from the indicator engine and Funding rows, and a narrative: a generated draft unless the
center edited it (AnnualReport.sections). Each submission keeps a snapshot (ReportSubmission).
"""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session, select

from accounts.models import User
from centers.indicators.engine import compute_indicators
from centers.models import AnnualReport, Funding, ReportSubmission
from core.clock import now
from core.errors import Invalid
from talent.models import Center

SECTIONS = [
    ("talent", "人才集聚"), ("platform", "平台建设"), ("services", "技术服务"), ("mechanisms", "机制创新"),
    ("funding", "财政资金和自筹经费使用情况"), ("results", "主要成效"),
]
SECTION_KEYS = {key for key, _ in SECTIONS}
MAX_NARRATIVE = 20000


def _lines(result: dict) -> dict[str, dict]:
    return {line["id"]: line["figures"] for line in result["lines"]}


def _wan(amount: float | Decimal) -> str:
    return f"{float(amount) / 10000:,.2f}万元"


def section_figures(session: Session, center: Center, year: int, result: dict) -> dict[str, list[tuple[str, str]]]:
    """Label/value rows for each section, from the indicator figures and Funding rows."""
    f = _lines(result)
    funding = session.exec(select(Funding).where(Funding.center_id == center.id, Funding.year == year)
                           .order_by(Funding.source, Funding.id)).all()
    by_source: dict[str, Decimal] = {}
    for row in funding:
        by_source[row.source] = by_source.get(row.source, Decimal("0")) + row.amount
    talent, platform, innovation = f["2.1"], f["2.3"], f["4.2"]
    return {
        "talent": [("工程师库人数", f"{talent['pool_size']} 人"), ("聘用方式", "、".join(f"{k}{v}人" for k, v in talent["by_engagement"].items()) or "—"),
                   ("高级职称", f"{talent['senior_titles']} 人"), ("国家级/省级人才", f"{talent['talent_national']} / {talent['talent_provincial']} 人"),
                   ("当年新入库", f"{f['2.2']['new_members']} 人"), ("长期稳定合作", f"{f['2.2']['long_term_partners']} 人")],
        "platform": [("发布揭榜挂帅榜单", f"{platform['challenges_published']} 项"), ("定榜", f"{platform['challenges_awarded']} 项"),
                     ("验收完成", f"{platform['challenges_completed']} 项"), ("解答在线问诊", f"{platform['consultations_answered']} 项"),
                     ("跨组织/跨地域对接", f"{platform['cross_org_pairings']} / {platform['cross_region_pairings']} 次"),
                     ("平台活跃工程师", f"{platform['active_engineers']} 人"),
                     ("开放共享资源使用率", f"{f['4.5']['utilisation'] * 100:.1f}%（{f['4.5']['used_hours']:g} 机时）")],
        "services": [("创新服务（验收）", f"{innovation['services_total']} 项"),
                     ("服务类型", "、".join(f"{k}{v}项" for k, v in innovation["services_by_type"].items())),
                     ("技术合同", "、".join(f"{k}{v}项" for k, v in innovation["contracts_by_kind"].items())),
                     ("合同金额", _wan(innovation["contract_amount"])), ("服务企业", f"{innovation['firms_served']} 家"),
                     ("检验检测与产业咨询", f"{f['4.1']['professional_services']} 项"),
                     ("技术培训", f"{f['3.1']['trainings']} 场，{f['3.1']['attendees']} 人次")],
        "mechanisms": [("薪资机制", f"{f['3.2']['salary_rules']} 项制度，项目奖励 {f['3.2']['project_rewards']} 笔"),
                       ("价值实现", f"{f['3.3']['value_sharing_rules']} 项制度，署名与入股分成 {f['3.3']['credit_and_equity_shares']} 笔"),
                       ("引才机制", f"{f['2.2']['recruitment_rules']} 项"), ("管理制度", f"{f['1.2']['management_rules']} 项"),
                       ("产教融合合作", f"{f['3.4']['partnerships']} 项")],
        "funding": [(f"{row.source}：{row.purpose}", _wan(row.amount)) for row in funding]
                   + [(f"{source}合计", _wan(total)) for source, total in by_source.items()]
                   + [("经费合计", _wan(sum(by_source.values(), Decimal("0"))))],
        "results": [("国家级/省级项目", f"{innovation['national_projects']} / {innovation['provincial_projects']} 项"),
                    ("标准制定", f"{f['4.3']['standards']} 项（牵头 {f['4.3']['led']} 项）"),
                    ("荣誉表彰", f"国家级 {f['bonus']['honours_national']} 项，省级 {f['bonus']['honours_provincial']} 项"),
                    ("评价得分（建议/专家）", f"{result['total']:g} 分" + ("（一票否决）" if result["veto"] else ""))],
    }


def draft_narrative(key: str, center: Center, year: int, rows: list[tuple[str, str]]) -> str:
    """A first draft the center edits: the section's figures in one paragraph."""
    facts = "；".join(f"{label}{value}" for label, value in rows) or "暂无数据"
    title = dict(SECTIONS)[key]
    return f"{year}年，{center.name}在{title}方面：{facts}。"


def get_report(session: Session, *, center: Center, year: int) -> AnnualReport:
    report = session.exec(select(AnnualReport).where(AnnualReport.center_id == center.id, AnnualReport.year == year)).first()
    if report is None:
        report = AnnualReport(center_id=center.id, year=year, sections={})  # type: ignore[arg-type]
        session.add(report)
        session.flush()
    return report


def build(session: Session, *, center: Center, year: int) -> dict:
    """The whole report: per section its title, figures and narrative (edited or drafted)."""
    result = compute_indicators(session, center=center, year=year)
    figures = section_figures(session, center, year, result)
    report = get_report(session, center=center, year=year)
    sections = []
    for key, title in SECTIONS:
        edited = (report.sections or {}).get(key)
        sections.append({"key": key, "title": title, "figures": figures[key], "edited": bool(edited),
                         "narrative": edited or draft_narrative(key, center, year, figures[key])})
    return {"center": center.name, "center_id": center.id, "year": year, "total": result["total"],
            "veto": result["veto"], "sections": sections, "submitted_at": report.submitted_at, "report_id": report.id}


def save_sections(session: Session, *, center: Center, year: int, narratives: dict[str, str]) -> AnnualReport:
    report = get_report(session, center=center, year=year)
    sections = dict(report.sections or {})
    for key, text in narratives.items():
        if key not in SECTION_KEYS:
            raise Invalid("报告章节不存在", field=key)
        if len(text) > MAX_NARRATIVE:
            raise Invalid(f"每节不超过 {MAX_NARRATIVE} 字", field=key)
        sections[key] = text.strip()
    report.sections, report.updated_at = sections, now()
    session.add(report)
    session.flush()
    return report


def submit(session: Session, *, center: Center, year: int, by: User) -> ReportSubmission:
    """Submit to the province: the report as it stands is kept as a snapshot."""
    data = build(session, center=center, year=year)
    report = get_report(session, center=center, year=year)
    snapshot = {**data, "submitted_at": None,
                "sections": [{**s, "figures": [list(row) for row in s["figures"]]} for s in data["sections"]]}
    submission = ReportSubmission(report_id=report.id, submitted_by_id=by.id, snapshot=snapshot)  # type: ignore[arg-type]
    report.submitted_at = submission.submitted_at = now()
    session.add_all([report, submission])
    session.flush()
    return submission


def submissions(session: Session, *, center: Center, year: int) -> list[ReportSubmission]:
    report = get_report(session, center=center, year=year)
    return list(session.exec(select(ReportSubmission).where(ReportSubmission.report_id == report.id)
                             .order_by(ReportSubmission.submitted_at.desc())).all())  # type: ignore[attr-defined]
