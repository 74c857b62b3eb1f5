"""Sign in through the real login form; read the CSRF token from the page."""

from __future__ import annotations

import re

from tests.factories import PASSWORD


def login(client, user) -> str:
    page = client.get("/login")
    token = csrf_from(page.text)
    resp = client.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token},
                       follow_redirects=False)
    assert resp.status_code == 303, resp.text
    return csrf_from(client.get("/challenges").text)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "page carries no CSRF token"
    return match.group(1)
