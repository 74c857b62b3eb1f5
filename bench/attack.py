"""Concurrency attack against a running server (loopback only): does it queue instead of failing?

    python -m bench.attack --base http://127.0.0.1:8123 [--searches 200 --matches 200 --writes 100 --anon-posts 60]

All at once, in one burst:
- anonymous hall searches with distinct queries (past the anonymous page cache);
- match requests (`/api/v1/challenges/{id}/matches`) by a demo firm user's bearer token;
- writes by demo users through the API (consultations by the firm, bids by the engineer: 409 is a
  business refusal, not an error);
- unauthenticated POSTs (answered 401: they must not touch the database's write lock);
while another process samples `/healthz` every 200 ms (its own event loop: the burst's client loop is
busy enough to add seconds of its own to anything it times). Prints the counts by status, p50/p95/max latency
per kind and the slowest healthz. Bounded: each kind sends its count once, every request has a
client timeout, the sampler stops when the burst is over. Refuses any host but loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import time
from collections import Counter, defaultdict
from urllib.parse import urlparse

import httpx

from bench.load import CLIENT_FAILURE, LOOPBACK, login, percentile


class Tally:
    def __init__(self) -> None:
        self.status: dict[str, Counter] = defaultdict(Counter)
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.retry_after_missing: Counter = Counter()
        self.client_failures: dict[str, Counter] = defaultdict(Counter)

    async def call(self, name: str, request) -> None:
        started = time.perf_counter()
        try:
            reply = await request
            status = reply.status_code
            if status == 503 and "retry-after" not in reply.headers:
                self.retry_after_missing[name] += 1
        except httpx.HTTPError as exc:  # no answer: counted as 599, by kind of failure
            status = CLIENT_FAILURE
            self.client_failures[name][type(exc).__name__] += 1
        self.latency[name].append((time.perf_counter() - started) * 1000)
        self.status[name][status] += 1

    def report(self) -> dict:
        out = {}
        for name, values in self.latency.items():
            out[name] = {"statuses": dict(sorted(self.status[name].items())),
                         "p50_ms": round(percentile(values, 50), 1), "p95_ms": round(percentile(values, 95), 1),
                         "max_ms": round(max(values), 1),
                         "server_errors": sum(n for s, n in self.status[name].items() if 500 <= s < CLIENT_FAILURE),
                         "503_without_retry_after": self.retry_after_missing[name],
                         "client_failures": dict(self.client_failures[name])}
        return out


async def sample_health(base: str, seconds: float, interval: float) -> None:
    """The sampler process: GET /healthz every interval for at most seconds; prints its Tally as JSON."""
    tally = Tally()
    stop_at = time.monotonic() + seconds
    stopped = []
    signal.signal(signal.SIGTERM, lambda *_: stopped.append(True))  # the burst is over
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        while time.monotonic() < stop_at and not stopped:
            await tally.call("healthz", client.get("/healthz"))
            await asyncio.sleep(interval)
    print(json.dumps(tally.report()))


async def run(args) -> dict:
    if urlparse(args.base).hostname not in LOOPBACK:
        raise SystemExit("load tests target loopback only")
    total = args.searches + args.matches + args.writes + args.anon_posts + 10
    # A fresh connection per request: no keep-alive connection closed by the server under the client's feet.
    limits = httpx.Limits(max_connections=total, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=args.base, timeout=args.timeout, limits=limits) as client:
        firm = await login(client, args.user, args.password)
        engineer = await login(client, args.engineer, args.password)
        listing = (await client.get("/api/v1/challenges", headers=firm)).json()
        items = listing["items"] if isinstance(listing, dict) else listing
        ids = [item["id"] for item in items] or [1]
        public = (await client.get("/api/v1/challenges", headers=engineer, params={"status": "open"})).json()
        biddable = [item["id"] for item in public["items"]
                    if item.get("kind") == "challenge" and item.get("visibility") == "public"] or ids
        tally = Tally()
        requests = []
        for i in range(args.searches):
            requests.append(("search", client.get("/challenges", params={"q": f"液压 {i} 检测{i * 7}"})))
        for i in range(args.matches):
            requests.append(("matches", client.get(f"/api/v1/challenges/{ids[i % len(ids)]}/matches",
                                                   params={"top": 10}, headers=firm)))
        for i in range(args.writes):
            if i % 2:
                requests.append(("write", client.post(
                    "/api/v1/consultations", headers=firm,
                    json={"title": f"压测咨询 {i}", "description": "并发写入测试：液压阀体裂纹如何检测？"})))
            else:
                requests.append(("write", client.post(
                    f"/api/v1/challenges/{biddable[i % len(biddable)]}/bids", headers=engineer,
                    json={"proposal": "并发写入测试方案：分阶段攻关，先仿真后试制。", "price": 100000})))
        for i in range(args.anon_posts):
            requests.append(("anon_post", client.post("/api/v1/consultations",
                                                      json={"title": f"匿名 {i}", "description": "未登录的写入请求"})))
        sampler = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.attack", "--base", args.base, "--sample-health", str(args.timeout + 30),
            "--health-interval", str(args.health_interval), stdout=asyncio.subprocess.PIPE)
        started = time.monotonic()
        await asyncio.gather(*[tally.call(name, request) for name, request in requests])
        elapsed = time.monotonic() - started
        sampler.terminate()
        output, _ = await sampler.communicate()
    result = tally.report()
    result.update(json.loads(output or b"{}"))
    result["elapsed_s"] = round(elapsed, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="http://127.0.0.1:8123")
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--matches", type=int, default=200)
    parser.add_argument("--writes", type=int, default=100)
    parser.add_argument("--anon-posts", type=int, default=60)
    parser.add_argument("--timeout", type=float, default=120, help="client timeout per request, seconds")
    parser.add_argument("--health-interval", type=float, default=0.2)
    parser.add_argument("--user", default="demo_sme")
    parser.add_argument("--engineer", default="demo_engineer")
    parser.add_argument("--password", default="demo2026")
    parser.add_argument("--sample-health", type=float, default=0, metavar="SECONDS",
                        help="(internal) be the healthz sampler process for at most SECONDS")
    args = parser.parse_args()
    if args.sample_health:
        if urlparse(args.base).hostname not in LOOPBACK:
            raise SystemExit("load tests target loopback only")
        asyncio.run(sample_health(args.base, min(args.sample_health, 600), args.health_interval))
        return
    for name in (args.searches, args.matches, args.writes, args.anon_posts):
        if not 0 <= name <= 1000:
            raise SystemExit("each count must be between 0 and 1000")
    result = asyncio.run(run(args))
    print(f"{'kind':<10} {'p50':>8} {'p95':>8} {'max':>8}  5xx  statuses (599: no answer)")
    for name, row in result.items():
        if isinstance(row, dict):
            print(f"{name:<10} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['max_ms']:>8} {row['server_errors']:>4}  "
                  f"{row['statuses']}")
    print(f"elapsed {result['elapsed_s']} s; healthz max {result.get('healthz', {}).get('max_ms')} ms")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
