"""Per-role navigation, and the context every template receives."""

from __future__ import annotations

from fastapi import Request

from accounts.models import Role

NAV: dict[str, list[tuple[str, str]]] = {
    "public": [("/", "首页"), ("/challenges", "揭榜大厅"), ("/engineers", "工程师库"), ("/centers", "创新中心")],
    Role.sme: [("/firm", "企业工作台"), ("/challenges/new", "发布榜单"), ("/consultations/new", "在线问诊")],
    Role.engineer: [("/engineer", "工程师工作台"), ("/engineer/recommended", "为你推荐"),
                    ("/consultations?mine=true", "在线问诊")],
    Role.center: [("/center", "中心工作台"), ("/center/indicators", "评价指标"), ("/center/report", "年度报告"),
                  ("/center/application", "认定申报"), ("/consultations", "在线问诊")],
    Role.city: [("/gov", "市州看板"), ("/gov/talent-map", "人才图谱")],
    Role.province: [("/gov", "全省看板"), ("/gov/talent-map", "人才图谱"), ("/gov/applications", "认定管理")],
    Role.expert: [("/expert", "专家评审")],
    Role.admin: [("/admin", "平台管理"), ("/gov", "全省看板")],
}


def nav_context(request: Request) -> dict:
    user = getattr(request.state, "user", None)
    items = list(NAV["public"])
    if user is not None:
        items += NAV.get(user.role, [])
    return {
        "current_user": user,
        "nav_items": items,
        "role_label": Role.label_of(user.role) if user else None,
        "current_path": request.url.path,
    }
