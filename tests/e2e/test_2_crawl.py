"""Crawl every page reachable from the navigation, as every role: no 5xx, no
template errors, no leftover English interface strings."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import CHALLENGES, ENGINEERS, USERS, english_words, sign_in

MAX_PAGES_PER_ROLE = 30
SKIP_PREFIXES = ("/logout", "/files/", "/static/", "/docs", "/redoc", "/openapi.json", "/api/")
SKIP_SUFFIXES = (".csv", ".pdf", ".xlsx", ".docx", "/export")
UNLABELLED_JS = """() => Array.from(document.querySelectorAll(
  'input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea'))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.name || el.id || el.tagName)"""
DATA_WORDS = english_words(json.dumps([ENGINEERS, CHALLENGES, list(USERS)], ensure_ascii=False), set())


def _links(page) -> list[str]:
    hrefs = page.eval_on_selector_all("#site-nav a, main a[href]:not([download])",
                                      "els => els.map(e => e.getAttribute('href'))")
    out = []
    for href in hrefs:
        if not href or not href.startswith("/") or href.startswith("//"):
            continue
        path = urlsplit(href).path
        if path.startswith(SKIP_PREFIXES) or path.endswith(SKIP_SUFFIXES) or "/files/" in path:
            continue
        out.append(path)
    return out


@pytest.mark.parametrize("username", [None, *USERS])
def test_crawl_every_page_as_every_role(new_page, site, username):
    page = new_page()
    if username:
        sign_in(page, username)
    else:
        page.goto("/")
    start = urlsplit(page.url).path
    queue = [start, *_links(page)]
    seen: set[str] = set()
    problems: list[str] = []
    missing: list[str] = []
    patterns: set[str] = set()
    while queue and len(seen) < MAX_PAGES_PER_ROLE:
        path = queue.pop(0)
        pattern = re.sub(r"/\d+", "/{id}", path)  # one page per route is enough
        if path in seen or pattern in patterns:
            continue
        seen.add(path)
        patterns.add(pattern)
        response = page.goto(path, wait_until="domcontentloaded")
        status = response.status if response else 0
        if status >= 500:
            problems.append(f"{path}: HTTP {status}")
            continue
        if status == 404:
            missing.append(path)
        if "text/html" not in (response.headers.get("content-type", "") if response else ""):
            continue
        body = page.inner_text("body")
        if "Undefined" in body or "undefined" in body or "{{" in body or "{%" in body:
            problems.append(f"{path}: template text leaked")
        unlabelled = page.evaluate(UNLABELLED_JS)
        if unlabelled:
            problems.append(f"{path}: inputs without a label {unlabelled[:5]}")
        leftover = english_words(body, DATA_WORDS)
        if leftover:
            problems.append(f"{path}: English interface words {sorted(leftover)[:8]}")
        if status < 400 and len(seen) < MAX_PAGES_PER_ROLE:
            queue.extend(p for p in _links(page) if p not in seen)
    if missing:
        print(f"[{username or 'anonymous'}] pages not (yet) served: {sorted(set(missing))}")
    assert not problems, "\n".join(problems)
    assert len(seen) >= 3
