"""Screenshots of the main pages at phone (375 px) and desktop (1280 px) width, for the README.

Each page must also fit the phone: nothing wider than the viewport.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SCREENSHOTS, sign_in

WIDTHS = (375, 1280)
# (file name, user or None, path or a callable finding it on the page)
PAGES = [
    ("home", None, "/"),
    ("challenge-hall", None, "/challenges?q=液压"),
    ("challenge-detail", None, "first:/challenges"),
    ("engineer-directory", None, "/engineers"),
    ("engineer-profile", None, "first:/engineers"),
    ("firm-workspace", "e2e_firm", "/firm"),
    ("challenge-new", "e2e_firm", "/challenges/new"),
    ("bid-comparison", "e2e_firm", "link:/firm:a[href$='/bids']"),
    ("collaboration", "e2e_firm", "link:/firm:a[href^='/collaborations/']"),
    ("engineer-workspace", "e2e_engineer", "/engineer"),
    ("engineer-profile-edit", "e2e_engineer", "/engineer/profile"),
    ("admin-users", "e2e_admin", "/admin/users"),
]


def _resolve(page, target: str) -> str | None:
    if target.startswith("first:"):
        page.goto(target[6:])
        href = page.get_attribute("#results li a", "href")
        return href
    if target.startswith("link:"):
        _, where, selector = target.split(":", 2)
        page.goto(where)
        link = page.query_selector(selector)
        return link.get_attribute("href") if link else None
    return target


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_of_main_pages(new_page, site, width):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages: dict[str | None, object] = {}
    too_wide = []
    taken = []
    for name, user, target in PAGES:
        page = pages.get(user)
        if page is None:
            page = pages[user] = new_page(width=width, height=800)
            if user:
                sign_in(page, user)
        path = _resolve(page, target)
        if path is None:
            continue  # the journey did not get that far
        response = page.goto(path)
        assert response is not None and response.status < 400, f"{name}: {path} answered {response and response.status}"
        page.wait_for_load_state("networkidle")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width + 1:
            too_wide.append(f"{name}: {scroll_width}px")
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        taken.append(name)
    assert len(taken) >= 8, taken
    assert not too_wide, f"pages wider than {width}px: {too_wide}"
