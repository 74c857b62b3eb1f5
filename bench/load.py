"""Load test: a realistic mix at N concurrent users against a running server (loopback only).

    python -m bench.load --base http://127.0.0.1:8000 --users 50 --seconds 60 [--think 1.0]

Three phases, each --seconds long, with the same N users:
- floor: every user calls a bare hello-world endpoint back to back (the server's ceiling);
- capacity: every user runs the product mix back to back (no pause): req/s per
  endpoint, and browse throughput as a share of the floor;
- users: the same mix, each user pausing between clicks (exponential think time,
  mean --think seconds, as a person reads a page): the latencies people see.
Prints req/s and p50/p95/p99 per endpoint and phase, server errors (5xx),
client timeouts, refusals (4xx other than 409) and the share of replies served
from the anonymous page cache (web/page_cache.py: the hall and challenge pages
are requested without signing in). Bounded in count and time; refuses any host
but loopback. --phases runs a subset.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from collections import defaultdict
from urllib.parse import urlparse

import httpx

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
CLIENT_FAILURE = 599  # no answer: timeout or connection error on the client side


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


class Stats:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.server_errors = 0
        self.client_timeouts = 0
        self.page_cache_hits: dict[str, int] = defaultdict(int)

    def add(self, name: str, seconds: float, status: int, page_cache: str | None = None) -> None:
        self.latency[name].append(seconds * 1000)
        if page_cache == "hit":
            self.page_cache_hits[name] += 1
        if status == CLIENT_FAILURE:
            self.client_timeouts += 1
        elif status >= 500:
            self.server_errors += 1
        if status >= 400 and status not in (409,):
            self.errors[name] += 1


async def login(client: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    reply = await client.post("/api/v1/auth/token", data={"username": username, "password": password})
    reply.raise_for_status()
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


async def user_loop(client, stats, stop_at, pick, rng, max_requests, think):
    sent = 0
    while time.monotonic() < stop_at and sent < max_requests:
        name, call = pick(rng)
        started = time.perf_counter()
        page_cache = None
        try:
            reply = await call
            status = reply.status_code
            page_cache = reply.headers.get("x-page-cache")
        except httpx.HTTPError:
            status = CLIENT_FAILURE
        stats.add(name, time.perf_counter() - started, status, page_cache)
        sent += 1
        if think:
            await asyncio.sleep(min(rng.expovariate(1 / think), stop_at - time.monotonic(), 10 * think))


def mix(client, ids, biddable, headers, engineer_headers, gov_headers, center_id):
    """The product mix: a firm browses and reads, a government reviewer looks at matches and a
    center's dashboard, an engineer bids on public challenges (409 = refused by a business rule)."""

    def pick(rng):
        roll = rng.random()
        cid = rng.choice(ids)
        if roll < 0.40:
            return "browse_hall", client.get("/challenges", params={"page": rng.randint(1, 5)})
        if roll < 0.65:
            return "open_challenge", client.get(f"/challenges/{cid}")
        if roll < 0.80:
            return "api_list", client.get("/api/v1/challenges", headers=headers)
        if roll < 0.90:
            return "matches", client.get(f"/api/v1/challenges/{cid}/matches", params={"top": 10},
                                         headers=gov_headers)
        if roll < 0.95:
            return "bid", client.post(f"/api/v1/challenges/{rng.choice(biddable)}/bids", headers=engineer_headers,
                                      json={"proposal": "负载测试方案：分阶段攻关，先仿真后试制。", "price": 100000})
        return "dashboard", client.get(f"/api/v1/centers/{center_id}/indicators", params={"year": 2026},
                                       headers=gov_headers)

    return pick


def hello(client):
    return lambda rng: ("hello_floor", client.get("/hello"))


async def run(args) -> dict:
    if urlparse(args.base).hostname not in LOOPBACK:
        raise SystemExit("load tests target loopback only")
    limits = httpx.Limits(max_connections=args.users + 10)
    async with httpx.AsyncClient(base_url=args.base, timeout=30, limits=limits) as client:
        headers = await login(client, args.user, args.password)
        engineer_headers = await login(client, args.engineer, args.password)
        gov_headers = await login(client, args.gov, args.password)
        listing = (await client.get("/api/v1/challenges", headers=headers, params={"status": "open"})).json()
        items = listing["items"] if isinstance(listing, dict) else listing
        ids = [item["id"] for item in items] or [1]
        biddable = [item["id"] for item in items
                    if item.get("kind") == "challenge" and item.get("visibility") == "public"] or ids
        product = mix(client, ids, biddable, headers, engineer_headers, gov_headers, args.center)
        rng = random.Random(7)
        phases = {}
        for phase, pick, think in (("floor", hello(client), 0.0), ("capacity", product, 0.0),
                                   ("users", product, args.think)):
            if phase not in args.phases:
                continue
            stats = Stats()
            started = time.monotonic()
            stop_at = started + args.seconds
            await asyncio.gather(*[user_loop(client, stats, stop_at, pick, random.Random(rng.random()),
                                             args.max_requests, think) for _ in range(args.users)])
            phases[phase] = (stats, time.monotonic() - started)
    return phases


BROWSE = ("browse_hall", "open_challenge", "api_list")


def report(phases) -> dict:
    out: dict = {}
    for phase, (stats, elapsed) in phases.items():
        rows = {}
        for name, values in sorted(stats.latency.items()):
            rows[name] = {
                "requests": len(values), "req_per_s": round(len(values) / elapsed, 1),
                "p50_ms": round(statistics.median(values), 1), "p95_ms": round(percentile(values, 95), 1),
                "p99_ms": round(percentile(values, 99), 1), "refusals": stats.errors.get(name, 0),
                "page_cache_hits": round(stats.page_cache_hits.get(name, 0) / len(values), 3),
            }
        total = sum(len(v) for v in stats.latency.values())
        rows["total"] = {"requests": total, "req_per_s": round(total / elapsed, 1),
                         "server_errors": stats.server_errors, "client_timeouts": stats.client_timeouts}
        out[phase] = rows
    floor = out.get("floor", {}).get("hello_floor")
    capacity = out.get("capacity", {})
    if floor and capacity:
        browse_rps = sum(capacity[n]["req_per_s"] for n in BROWSE if n in capacity)
        out["browse_vs_floor"] = round(browse_rps / floor["req_per_s"], 3)
    users = out.get("users", {})
    if users:
        out["browse_p95_ms_with_think_time"] = max((users[n]["p95_ms"] for n in BROWSE if n in users), default=None)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--max-requests", type=int, default=2000, help="per simulated user")
    parser.add_argument("--user", default="demo_sme")
    parser.add_argument("--engineer", default="demo_engineer")
    parser.add_argument("--gov", default="demo_province", help="reads the indicator dashboard")
    parser.add_argument("--password", default="demo2026")
    parser.add_argument("--center", default="1")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between a user's clicks (users phase)")
    parser.add_argument("--phases", type=lambda value: value.split(","), default=["floor", "capacity", "users"],
                        help="comma-separated subset of floor,capacity,users")
    args = parser.parse_args()
    result = report(asyncio.run(run(args)))
    print(f"{'phase':<9} {'endpoint':<15} {'req/s':>8} {'p50':>8} {'p95':>8} {'p99':>8} {'refused':>7} {'cached':>7}")
    for phase in ("floor", "capacity", "users"):
        for name, row in result.get(phase, {}).items():
            if "p50_ms" in row:
                print(f"{phase:<9} {name:<15} {row['req_per_s']:>8} {row['p50_ms']:>8} {row['p95_ms']:>8} "
                      f"{row['p99_ms']:>8} {row['refusals']:>7} {row['page_cache_hits']:>7.0%}")
        total = result.get(phase, {}).get("total")
        if total:
            print(f"{phase:<9} {'(total)':<15} {total['req_per_s']:>8}   5xx: {total['server_errors']}  "
                  f"timeouts: {total['client_timeouts']}")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
