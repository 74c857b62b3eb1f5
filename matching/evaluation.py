"""`xiechuang eval`: ranking quality on a labelled set, in a scratch SQLite database.

Metrics over the challenges of the chosen split (train = even position in the
file, test = odd): nDCG@10 with gains 2^grade - 1; recall@5/10 and MRR count
an engineer as relevant when its grade is at least 2 (grade 1 = same cluster
and capability only, a weak match that nDCG still rewards).
"""

from __future__ import annotations

import json
import math
import tempfile
from collections import defaultdict
from pathlib import Path

from sqlmodel import Session, select

from accounts.models import Organisation
from core.db import build_engine
from core.errors import Invalid
from core.migrate import upgrade
from core.schemas import split_text
from marketplace.challenges.models import Challenge
from marketplace.challenges.service import get_challenge
from matching.docs import challenge_text, engineer_text
from matching.fusion import DEFAULT_DIVERSITY, DEFAULT_WEIGHTS, NO_DIVERSITY, Weights
from matching.index.lexical import Bm25
from matching.index.store import get_store
from matching.index.text import words
from matching.ranker import rank_engineer_ids
from talent.models import Center, Engineer, PoolMembership

DEFAULT_SET = Path(__file__).resolve().parent.parent / "seed" / "data" / "eval.jsonl"
RELEVANT = 2
CHANNELS = ("fused", "dense", "lexical", "structured", "bm25", "product")


def read_set(path: Path) -> tuple[list[dict], list[dict], dict[str, dict[str, int]]]:
    path = Path(path)
    if not path.exists():
        raise Invalid(f"标注集文件不存在: {path}", field="set")
    engineers, challenges = [], []
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                raise Invalid(f"第 {n} 行不是合法的 JSON", field="set") from None
            kind = rec.get("type")
            if kind == "engineer":
                engineers.append(rec)
            elif kind == "challenge":
                challenges.append(rec)
            elif kind == "qrel":
                qrels[str(rec["challenge"])][str(rec["engineer"])] = int(rec["grade"])
    if not engineers or not challenges:
        raise Invalid("标注集需要至少一个工程师和一个榜单", field="set")
    return engineers, challenges, dict(qrels)


def _list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return split_text(str(value))


def load_into(session: Session, engineers: list[dict], challenges: list[dict]) -> dict[str, int]:
    """Write the set's records; returns challenge external id -> database id."""
    centers: dict[str, Center] = {}
    orgs: dict[str, Organisation] = {}
    for rec in engineers:
        e = Engineer(external_id=str(rec["external_id"]), name=rec.get("name") or str(rec["external_id"]),
                     title=rec.get("title"), skills=_list(rec.get("skills")), fields=_list(rec.get("fields")),
                     bio=rec.get("bio"), region=rec.get("region"), engagement=rec.get("engagement"),
                     talent_level=rec.get("talent_level") or "none", capacity=int(rec.get("capacity") or 2))
        session.add(e)
        session.flush()
        if rec.get("center"):
            name = rec["center"]
            if name not in centers:
                cluster = next((c for c in ("工程机械", "轨道交通装备", "中小航空发动机", "先进储能材料", "自主安全计算",
                                            "石化新材料", "输变电装备", "生物医药与食品", "有色金属新材料") if c in name), None)
                centers[name] = Center(name=name, cluster=cluster, city=name[:3], status="已认定")
                session.add(centers[name])
                session.flush()
            session.add(PoolMembership(center_id=centers[name].id, engineer_id=e.id, status="active"))
    ids: dict[str, int] = {}
    for rec in challenges:
        company = rec.get("company") or "评测企业"
        if company not in orgs:
            orgs[company] = Organisation(name=company, kind="enterprise", region=rec.get("region"))
            session.add(orgs[company])
            session.flush()
        c = Challenge(external_id=str(rec["external_id"]), kind=rec.get("kind") or "challenge",
                      title=rec["title"], description=rec.get("description") or "", company_id=orgs[company].id,
                      fields=_list(rec.get("fields")), skills=_list(rec.get("skills")), region=rec.get("region"),
                      kpis=rec.get("kpis") or None, status="open")
        session.add(c)
        session.flush()
        ids[c.external_id] = c.id
    session.flush()
    return ids


def dcg(gains: list[int]) -> float:
    return sum((2 ** g - 1) / math.log2(r + 2) for r, g in enumerate(gains))


def metrics(ranked: list[str], grades: dict[str, int]) -> dict[str, float]:
    gains = [grades.get(e, 0) for e in ranked[:10]]
    ideal = dcg(sorted(grades.values(), reverse=True)[:10])
    relevant = {e for e, g in grades.items() if g >= RELEVANT}
    out = {"ndcg@10": dcg(gains) / ideal if ideal else 0.0}
    for k in (5, 10):
        out[f"recall@{k}"] = len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0
    first = next((r for r, e in enumerate(ranked) if e in relevant), None)
    out["mrr"] = 1.0 / (first + 1) if first is not None else 0.0
    return out


def select_split(challenges: list[dict], split: str) -> list[dict]:
    if split == "all":
        return challenges
    if split not in ("train", "test"):
        raise Invalid("split 须为 all、train 或 test", field="split")
    parity = 0 if split == "train" else 1
    return [c for n, c in enumerate(challenges) if n % 2 == parity]


def run_eval(path: Path = DEFAULT_SET, *, channel: str = "fused", split: str = "all", backend: str | None = None,
             weights: Weights = DEFAULT_WEIGHTS, per_query: bool = False) -> dict:
    if channel not in CHANNELS:
        raise Invalid(f"channel 须为 {'|'.join(CHANNELS)}", field="channel")
    engineers, challenges, qrels = read_set(path)
    with tempfile.TemporaryDirectory(prefix="xiechuang-eval-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'eval.db'}"
        upgrade(url)
        engine = build_engine(url)
        try:
            with Session(engine, expire_on_commit=False) as session:
                load_into(session, engineers, challenges)
                session.commit()
                store = get_store(session, "engineers", index_dir=Path(tmp) / "index", backend=backend, fresh=True)
                session.commit()
                return evaluate_store(session, store, challenges, qrels, channel=channel, split=split,
                                      weights=weights, per_query=per_query)
        finally:
            engine.dispose()


def evaluate_store(session: Session, store, challenges: list[dict], qrels: dict[str, dict[str, int]], *,
                   channel: str = "fused", split: str = "all", weights: Weights = DEFAULT_WEIGHTS,
                   per_query: bool = False) -> dict:
    refs = {e.id: e.external_id for e in session.exec(select(Engineer)).all()}
    baseline = None
    if channel == "bm25":  # plain BM25 over jieba words: no bigrams, no synonyms, no other channel
        rows = session.exec(select(Engineer)).all()
        baseline = Bm25()
        baseline.build((e.id, words(engineer_text(e))) for e in rows)
    chosen = select_split(challenges, split)
    totals: dict[str, float] = defaultdict(float)
    details = []
    pool = max(len(store.docs), 1)
    for rec in chosen:
        ch = get_challenge(session, rec["external_id"])
        if baseline is not None:
            scores = baseline.top(words(challenge_text(ch)), 10)
            ranked_ids = sorted(scores, key=lambda i: (-scores[i], i))
        else:
            w = weights if channel in ("fused", "product") else weights.only(channel)
            div = DEFAULT_DIVERSITY if channel == "product" else NO_DIVERSITY
            ranked_ids = [r.id for r in rank_engineer_ids(session, store, ch, top=10, weights=w, diversity=div, pool=pool)]
        ranked = [refs[i] for i in ranked_ids]
        m = metrics(ranked, qrels.get(rec["external_id"], {}))
        for k, v in m.items():
            totals[k] += v
        if per_query:
            details.append({"challenge": rec["external_id"], **m})
    n = len(chosen)
    result = {"n_queries": n, **{k: round(totals[k] / n, 4) if n else 0.0
                                  for k in ("recall@5", "recall@10", "ndcg@10", "mrr")}}
    if per_query:
        result["queries"] = details
    return result
