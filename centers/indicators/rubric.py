"""The policy's 附件 table (湘工信人教〔2026〕187号) and the counting rules that suggest a score.

Each rule maps figures to points with thresholds; no line's suggestion exceeds its maximum.
docs/indicators.md explains every line in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Line:
    line_id: str
    name: str
    max: float
    group: str
    content: str


GROUPS = {
    "1": "基本情况与基础保障",
    "2": "人才集聚与协同",
    "3": "人才培养与价值实现",
    "4": "公共服务与产业赋能",
    "bonus": "附加项",
}

LINES: list[Line] = [
    Line("1.1", "建设场地", 5, "1", "办公场所、教学场所、实验室等场地基础设施满足提供人才培养、技术创新等核心服务的需求。"),
    Line("1.2", "运营团队与管理", 5, "1", "拥有专职的运营团队，且具备科学合理且完备的建设、运行、管理制度。"),
    Line("2.1", "人才集聚", 21, "2", "专兼职工程技术人才队伍规模与结构、多元化引才机制及成效（12分）；工信领域省级以上高层次人才（9分）。"),
    Line("2.2", "人才引进机制", 5, "2", "具备较为成熟的引才用才网络，与一定规模的工程师人才团队建有长期稳定的合作关系。"),
    Line("2.3", "协同平台建设", 4, "2", "建立“揭榜挂帅”、联合攻关等协同机制，建成线上或线下工程师资源协同平台。"),
    Line("3.1", "人才交流培训", 15, "3", "面向所服务集群组织线下技术培训（9分）；组织工信领域经验交流、赛事赛会等活动（6分）。"),
    Line("3.2", "工程师薪资机制", 4, "3", "建立与能力、业绩挂钩的差异化薪资机制，以提升工程师薪酬的市场竞争力。"),
    Line("3.3", "人才价值实现机制", 4, "3", "建立创新成果署名、收益分享等价值实现机制。"),
    Line("3.4", "产教深度融合", 7, "3", "与高校、科研院所、企业建立深度合作关系，通过项目合作、人才联合培养、平台建设等方式提升产教融合水平。"),
    Line("4.1", "专业技术服务成效", 6, "4", "具备对外提供检验检测、产业咨询等专业技术服务的能力。"),
    Line("4.2", "协同创新成效", 14, "4", "承担国家级、省级重大创新及成果产业化项目（7分）；为企业提供研发设计、技术改造、技术转移与交易等创新服务（7分）。"),
    Line("4.3", "标准制定", 4, "4", "能够牵头国家级、省级、行业标准制定。"),
    Line("4.4", "成果复制推广", 2, "4", "形成可复制推广的工程化成果或服务模式。"),
    Line("4.5", "平台资源开放共享", 4, "4", "平台设备、软件等资源开放共享程度高，使用效率良好。"),
    Line("bonus", "加分项", 10, "bonus", "地方政府支持（0-3分）；当年国家级荣誉每项3分、省级每项1分；当年承办国家级工信领域赛事赛会每项2分；合计不超过10分。"),
]
LINE_BY_ID = {line.line_id: line for line in LINES}


def step(value: float | int | Decimal | None, thresholds: list[tuple[float, float]]) -> float:
    """Points for the highest threshold reached: step(12, [(10, 3), (5, 2), (1, 1)]) == 3."""
    if value is None:
        return 0.0
    for threshold, points in sorted(thresholds, reverse=True):
        if value >= threshold:
            return float(points)
    return 0.0


def capped(points: float, maximum: float) -> float:
    return round(max(0.0, min(float(points), float(maximum))), 2)


FIGURE_LABELS = {
    "site_area_m2": "场地面积（㎡）", "lab_area_m2": "实验场地（㎡）", "resources": "共享资源", "resources_by_kind": "资源类别",
    "operations_staff": "专职运营人员", "management_rules": "管理制度",
    "pool_size": "工程师库人数", "by_engagement": "聘用方式", "engagement_modes": "聘用方式种类", "fields_covered": "覆盖技术领域",
    "senior_titles": "高级职称", "recruited_for_cluster": "为集群招引", "talent_national": "国家级人才",
    "talent_provincial": "省级人才", "long_term_partners": "长期稳定合作", "new_members": "当年新入库",
    "recruitment_rules": "引才制度",
    "challenges_published": "发布揭榜挂帅榜单", "challenges_bid_on": "被揭榜的榜单", "challenges_awarded": "定榜",
    "challenges_completed": "验收完成", "consultations_answered": "解答在线问诊", "cross_org_pairings": "跨组织对接",
    "cross_region_pairings": "跨地域对接", "active_engineers": "平台活跃工程师",
    "trainings": "技术培训场次", "training_hours": "培训学时", "attendees": "参训人次", "engineers_trained": "参训工程师",
    "firms_trained": "参训企业", "exchanges_and_competitions": "交流与赛事活动", "provincial_or_national_events": "省级以上活动",
    "salary_rules": "薪资制度", "project_rewards": "项目奖励记录", "project_rewards_amount": "项目奖励金额（元）",
    "value_sharing_rules": "价值实现制度", "credit_and_equity_shares": "署名与入股分成记录",
    "credit_and_equity_shares_amount": "分成金额（元）",
    "partnerships": "合作关系", "universities_and_institutes": "高校院所", "firm_partners": "合作企业", "by_kind": "类别",
    "kinds_covered": "合作方式种类",
    "professional_services": "专业技术服务", "amount": "金额（元）", "firms": "服务企业",
    "national_projects": "国家级项目", "provincial_projects": "省级项目", "project_amount": "项目经费（元）",
    "services_total": "创新服务（验收）", "services_by_type": "服务类型", "contracts_by_kind": "技术合同类别",
    "contract_amount": "合同金额（元）", "firms_served": "服务企业",
    "standards": "标准", "led": "牵头", "by_level": "级别", "replicable_results": "可复制推广成果",
    "open_resources": "开放资源", "available_hours": "可用机时", "bookings": "预约", "used_hours": "使用机时",
    "utilisation": "使用率", "external_users": "外部使用单位",
    "local_support": "地方支持措施", "local_support_amount": "地方支持金额（元）", "honours_national": "国家级荣誉",
    "honours_provincial": "省级荣誉", "hosted_national_events": "承办国家级赛事赛会",
}
