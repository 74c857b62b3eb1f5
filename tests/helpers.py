"""Sign in as a person does: through the login form (pages) or the token endpoint (API)."""

from __future__ import annotations

import re
from datetime import timedelta

from core.clock import today
from tests.factories import PASSWORD


def login(client, user) -> str:
    """Sign in through the login form (user: a User or a username); return the CSRF token for later forms."""
    username = user if isinstance(user, str) else user.username
    page = client.get("/login")
    token = csrf_from(page.text)
    resp = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token},
                       follow_redirects=False)
    assert resp.status_code == 303, resp.text
    return csrf_from(client.get("/challenges").text)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "page carries no CSRF token"
    return match.group(1)


def api_headers(client, user) -> dict[str, str]:
    """A bearer token from the API's token endpoint (user: a User or a username)."""
    username = user if isinstance(user, str) else user.username
    response = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def post_challenge(client, heads, **extra) -> dict:
    """Post a challenge through the API as heads["firm"]; return its JSON."""
    body = {"external_id": extra.pop("external_id", None) or f"C-API-{id(extra)}", "title": "挖掘机主阀内泄攻关",
            "description": "高温工况下主控阀内泄量超标，需优化阀芯间隙", "fields": "工程机械；液压",
            "skills": ["液压", "密封"], "budget": 300000, "deadline": str(today() + timedelta(days=20)),
            "kpis": "内泄量≤5 mL/min", "ip_terms": "归企业所有", **extra}
    response = client.post("/api/v1/challenges", json=body, headers=heads["firm"])
    assert response.status_code == 201, response.text
    return response.json()
