"""The full journey across roles in the browser: a firm posts → an engineer bids → the firm
awards → the engineer delivers → the firm accepts and rates → the center's 2.3 and 4.2 figures move."""

from __future__ import annotations

import re

import httpx

from core.clock import today
from tests.e2e.conftest import CENTER, api_token, sign_in

TITLE = "挖掘机回转马达异响诊断"


def indicators(site, token: str, center_id: int) -> dict[str, dict]:
    resp = httpx.get(f"{site.base}/api/v1/centers/{center_id}/indicators", params={"year": today().year},
                     headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert resp.status_code == 200, resp.text
    return {line["id"]: line["figures"] for line in resp.json()["lines"]}


def center_id_of(site, token: str) -> int:
    resp = httpx.get(f"{site.base}/api/v1/centers", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert resp.status_code == 200, resp.text
    return next(c["id"] for c in resp.json() if c["name"] == CENTER)


def test_journey_across_roles_moves_the_center_figures(new_page, site):
    token = api_token(site, "e2e_center")
    center_id = center_id_of(site, token)
    before = indicators(site, token, center_id)

    # the firm posts, hosted by the center (政府助题)
    firm = new_page()
    sign_in(firm, "e2e_firm")
    firm.goto("/challenges/new")
    firm.fill("#f-title", TITLE)
    firm.fill("#f-description", "回转马达低速时出现周期性异响，怀疑配流盘磨损或背压不足，需要诊断并给出整改方案。")
    firm.fill("#f-kpis", "异响消除，噪声≤75 dB(A)")
    firm.fill("#f-ip_terms", "成果归企业所有")
    firm.fill("#f-skills", "液压、故障诊断")
    firm.fill("#f-fields", "工程机械")
    firm.fill("#f-budget", "36")
    firm.fill("#f-deadline", "2031-06-30")
    firm.select_option("#f-region", "长沙市")
    firm.select_option("#f-center_id", label=CENTER)
    firm.click("button[name=publish][value='1']")
    firm.wait_for_url(re.compile(r"/challenges/\d+$"))
    challenge_id = int(firm.url.rsplit("/", 1)[1])
    # A 404 here means the redirect overtook the commit: core/db.py's SessionDep must end its
    # session before the response is sent (Depends(get_session, scope="function")).
    assert firm.locator("h1").inner_text() == TITLE, "the new challenge is not visible right after posting"
    assert "36万元" in firm.inner_text("main")

    # the engineer finds it in the hall and bids (htmx form)
    engineer = new_page(width=375, height=800)
    sign_in(engineer, "e2e_engineer")
    engineer.goto("/challenges")
    engineer.fill("#f-q", "回转马达")
    engineer.press("#f-q", "Enter")
    engineer.wait_for_url(re.compile(r"q=%E5%9B%9E"))
    engineer.click(f"#results a[href='/challenges/{challenge_id}']")
    engineer.fill("#f-proposal", "振动频谱与油液分析定位磨损部位，优化配流盘与背压阀。")
    engineer.fill("#f-price", "350000")
    engineer.fill("#f-schedule_days", "60")
    engineer.click("#bid button[type=submit]")
    engineer.wait_for_selector("#bid :text('我的揭榜申请')")

    # the firm compares and awards (htmx)
    firm.goto(f"/challenges/{challenge_id}/bids")
    assert "¥350,000.00" in firm.inner_text("#bids")
    firm.select_option("#bids select[name=contract_kind]", "技术开发")
    firm.select_option("#bids select[name=service_type]", "研发设计")
    firm.click("#bids form.award button[type=submit]")
    firm.wait_for_selector("#bids :text('协作空间已开启')")
    firm.click("#bids a[href^='/collaborations/']")
    collab_url = firm.url

    # the engineer plans, logs, uploads and delivers
    engineer.goto("/engineer")
    engineer.click(f"a[href='{collab_url.replace(site.base, '')}']")
    engineer.click("#milestones summary")
    engineer.fill("#ms-title", "诊断报告与整改方案")
    engineer.fill("#ms-amount", "350000")
    engineer.click("#milestones form[action$='/milestones'] button")
    engineer.wait_for_selector("#milestones :text('已新增里程碑')")
    engineer.click("#milestones form[action$='/submit'] button")
    engineer.wait_for_selector("#milestones :text('已提交验收')")
    engineer.fill("#wl-hours", "7.5")
    engineer.fill("#wl-note", "现场振动测试")
    engineer.click("#worklogs button")
    engineer.wait_for_selector("#worklogs :text('现场振动测试')")
    engineer.set_input_files("#dl-file", files=[{"name": "诊断报告.pdf", "mimeType": "application/pdf",
                                                 "buffer": b"%PDF-1.4\n% report\n"}])
    engineer.click("#deliverables button")
    engineer.wait_for_selector("#deliverables :text('诊断报告.pdf')")
    engineer.fill("#deliver-note", "已完成诊断与整改，异响消除。")
    engineer.click("#delivery button")
    engineer.wait_for_selector("#delivery :text('等待企业验收')")

    # the firm verifies the milestone and the delivery, and rates
    firm.goto(collab_url)
    firm.click("#milestones form[action$='/accept'] button")
    firm.wait_for_selector("#milestones :text('里程碑已验收通过')")
    for aspect, score in (("quality", "5"), ("timeliness", "4"), ("communication", "5")):
        firm.check(f"#accept-form input[name={aspect}][value='{score}']")
    firm.fill("#rating-comment", "定位准确，整改有效")
    firm.click("#accept-form button[type=submit]")
    firm.wait_for_selector("#delivery :text('验收通过。')")
    assert "定位准确，整改有效" in firm.inner_text("#delivery")
    assert "车间验收通过" in firm.inner_text("main")  # the collaboration log on the page

    after = indicators(site, token, center_id)
    assert after["2.3"]["challenges_published"] == before["2.3"]["challenges_published"] + 1
    assert after["2.3"]["challenges_awarded"] == before["2.3"]["challenges_awarded"] + 1
    assert after["2.3"]["challenges_completed"] == before["2.3"]["challenges_completed"] + 1
    assert after["4.2"]["services_total"] == before["4.2"]["services_total"] + 1
    assert after["4.2"]["contracts_by_kind"].get("技术开发", 0) == before["4.2"]["contracts_by_kind"].get("技术开发", 0) + 1
    assert after["4.2"]["contract_amount"] == before["4.2"]["contract_amount"] + 350000
    for page in (firm, engineer):
        assert not page.console_errors, page.console_errors
