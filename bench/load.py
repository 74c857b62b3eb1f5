"""Load test: a realistic mix at N concurrent users against a running server (loopback only).

    python -m bench.load --base http://127.0.0.1:8000 --users 50 --seconds 60

Prints req/s and p50/p95/p99 per endpoint and the error count, and the same for
a bare hello-world endpoint measured in the same run (the floor), with the ratio.
Bounded in count and time; refuses any host but loopback.
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

    def add(self, name: str, seconds: float, status: int) -> None:
        self.latency[name].append(seconds * 1000)
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


async def user_loop(client, stats, stop_at, ids, headers, engineer_headers, gov_headers, center_id, rng,
                    max_requests):
    sent = 0
    while time.monotonic() < stop_at and sent < max_requests:
        roll = rng.random()
        cid = rng.choice(ids)
        if roll < 0.40:
            name, call = "browse_hall", client.get("/challenges", params={"page": rng.randint(1, 5)})
        elif roll < 0.65:
            name, call = "open_challenge", client.get(f"/challenges/{cid}")
        elif roll < 0.80:
            name, call = "api_list", client.get("/api/v1/challenges", headers=headers)
        elif roll < 0.90:
            name, call = "matches", client.get(f"/api/v1/challenges/{cid}/matches", params={"top": 10},
                                               headers=headers)
        elif roll < 0.95:
            name, call = "bid", client.post(f"/api/v1/challenges/{cid}/bids", headers=engineer_headers,
                                            json={"proposal": "负载测试方案：分阶段攻关，先仿真后试制。", "price": 100000})
        else:
            name, call = "dashboard", client.get(f"/api/v1/centers/{center_id}/indicators",
                                                 params={"year": 2026}, headers=gov_headers)
        started = time.perf_counter()
        try:
            reply = await call
            status = reply.status_code
        except httpx.HTTPError:
            status = CLIENT_FAILURE
        stats.add(name, time.perf_counter() - started, status)
        sent += 1


async def floor_loop(client, stats, stop_at, max_requests):
    sent = 0
    while time.monotonic() < stop_at and sent < max_requests:
        started = time.perf_counter()
        try:
            status = (await client.get("/hello")).status_code
        except httpx.HTTPError:
            status = CLIENT_FAILURE
        stats.add("hello_floor", time.perf_counter() - started, status)
        sent += 1


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
        rng = random.Random(7)
        phases = {}
        for phase, worker in (("floor", "floor"), ("mix", "mix")):
            stats = Stats()
            stop_at = time.monotonic() + args.seconds
            started = time.monotonic()
            if worker == "floor":
                tasks = [floor_loop(client, stats, stop_at, args.max_requests) for _ in range(args.users)]
            else:
                tasks = [user_loop(client, stats, stop_at, ids, headers, engineer_headers, gov_headers, args.center,
                                   random.Random(rng.random()), args.max_requests) for _ in range(args.users)]
            await asyncio.gather(*tasks)
            phases[phase] = (stats, time.monotonic() - started)
    return phases


def report(phases) -> dict:
    out = {}
    for phase, (stats, elapsed) in phases.items():
        for name, values in sorted(stats.latency.items()):
            out[name] = {
                "requests": len(values), "req_per_s": round(len(values) / elapsed, 1),
                "p50_ms": round(statistics.median(values), 1), "p95_ms": round(percentile(values, 95), 1),
                "p99_ms": round(percentile(values, 99), 1), "errors": stats.errors.get(name, 0),
            }
        out[f"{phase}_total"] = {"requests": sum(len(v) for v in stats.latency.values()),
                                 "req_per_s": round(sum(len(v) for v in stats.latency.values()) / elapsed, 1),
                                 "server_errors": stats.server_errors, "client_timeouts": stats.client_timeouts}
    browse = [n for n in ("browse_hall", "open_challenge", "api_list") if n in out]
    if browse and "hello_floor" in out:
        browse_rps = sum(out[n]["req_per_s"] for n in browse)
        out["browse_vs_floor"] = round(browse_rps / out["hello_floor"]["req_per_s"], 3)
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
    args = parser.parse_args()
    result = report(asyncio.run(run(args)))
    width = max(len(k) for k in result)
    print(f"{'endpoint':<{width}}  {'req/s':>8} {'p50':>8} {'p95':>8} {'p99':>8} {'errors':>6}")
    for name, row in result.items():
        if isinstance(row, dict) and "p50_ms" in row:
            print(f"{name:<{width}}  {row['req_per_s']:>8} {row['p50_ms']:>8} {row['p95_ms']:>8} "
                  f"{row['p99_ms']:>8} {row['errors']:>6}")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
