"""Benchmark: one center-year of indicators over a log of a million events.

    .venv/bin/python -m bench.indicators --url postgresql+psycopg://postgres@127.0.0.1:5432/xc_bench --events 1000000

Builds the schema and the demo data in the given (scratch) database, appends N synthetic events
spread over two years, every demo center and engineer (COPY on PostgreSQL), then times
compute_indicators for every center and year, reporting the median and worst time.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from datetime import timedelta

from sqlalchemy import func, text
from sqlmodel import select

from centers.indicators.engine import compute_indicators
from core.clock import year_bounds
from core.db import build_engine, session_scope
from core.eventlog import EVENT_KINDS, Event
from core.migrate import upgrade
from seed.load import load_demo
from talent.models import Center, Engineer

COLUMNS = ("at", "kind", "center_id", "engineer_id", "subject_kind", "data")


def _rows(n: int, years: tuple[int, int], center_ids: list[int], engineer_ids: list[int]):
    rng = random.Random(20261129)
    start, _ = year_bounds(years[0])
    _, end = year_bounds(years[1])
    span = int((end - start).total_seconds())
    kinds = list(EVENT_KINDS)
    for _ in range(n):
        yield (start + timedelta(seconds=rng.randrange(span)), rng.choice(kinds), rng.choice(center_ids),
               rng.choice(engineer_ids), "bench", "{}")


def fill_events(url: str, n: int, years: tuple[int, int]) -> int:
    engine = build_engine(url)
    with session_scope(engine) as session:
        center_ids = list(session.exec(select(Center.id)).all())
        engineer_ids = list(session.exec(select(Engineer.id)).all())
        present = session.exec(select(func.count()).select_from(Event)).one()
    missing = max(0, n - present)
    rows = _rows(missing, years, center_ids, engineer_ids)
    if url.startswith("postgresql"):
        raw = engine.raw_connection()
        try:
            with raw.cursor() as cur, cur.copy(f"COPY event ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            raw.commit()
        finally:
            raw.close()
        with engine.begin() as conn:
            conn.execute(text("ANALYZE event"))
    else:
        with engine.begin() as conn:
            batch = []
            for row in rows:
                batch.append(dict(zip(COLUMNS, row)))
                if len(batch) == 20000:
                    conn.execute(Event.__table__.insert(), batch)
                    batch = []
            if batch:
                conn.execute(Event.__table__.insert(), batch)
            conn.execute(text("ANALYZE"))
    engine.dispose()
    return missing


def time_indicators(url: str, years: tuple[int, int]) -> dict:
    engine = build_engine(url)
    timings = []
    with session_scope(engine) as session:
        events = session.exec(select(func.count()).select_from(Event)).one()
        centers = list(session.exec(select(Center)).all())
        for center in centers:
            for year in years:
                begin = time.perf_counter()
                compute_indicators(session, center=center, year=year)
                timings.append(time.perf_counter() - begin)
    engine.dispose()
    return {"events": events, "center_years": len(timings),
            "median_s": round(statistics.median(timings), 3), "max_s": round(max(timings), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="a scratch database URL (its data is replaced by the demo)")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--years", default="2025,2026")
    args = parser.parse_args()
    years = tuple(int(y) for y in args.years.split(","))
    upgrade(args.url)

    with session_scope(build_engine(args.url)) as session:
        load_demo(session)
    added = fill_events(args.url, args.events, years)  # type: ignore[arg-type]
    print(json.dumps({"added_events": added, **time_indicators(args.url, years)}, ensure_ascii=False))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
