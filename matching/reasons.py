"""Short Chinese reasons naming what each channel contributed."""

from __future__ import annotations

from marketplace.challenges.models import Challenge
from matching import docs as docmod
from matching.index.store import Store
from matching.index.text import word_set
from matching.ranker import Ranked, Stats
from matching.vocab import TALENT_RANK, normalize
from talent.models import Engineer

MAX_REASONS = 6
INVITE_ONLY = "邀约制榜单：签署保密协议后可查看详情"
# words too generic to tell a person why two texts match
REASON_STOP = frozenset(
    "科技 团队 高级 工程 有限 有限公司 股份 服务 能力 领域 技能 工程师 公司 企业 行业 专业 方向 相关 长期 经验丰富 "
    "完成 攻关 具备 要求 提供 负责 参与 主持 进行 开展 需要 希望 方案 项目 客户 现场 技术 研发 开发 设计 生产 "
    "产品 多家 解决 熟悉 掌握 擅长 能够 实现 形成 工作 单位 时间 月内 以上 以内 达到 提升 降低 优化 改进".split())


def _keywords(store: Store, query_text: str, doc_text: str, skip: set[str], limit: int = 3) -> list[str]:
    common = (word_set(query_text) & word_set(doc_text)) - skip
    # no keyword that merely repeats a skill already shown (总线 beside CAN总线)
    common = {w for w in common if len(w) >= 2 and w not in REASON_STOP and not any(w in s for s in skip)}
    idf = store.bm25.idf
    vocab = store.bm25.vocab
    ranked = sorted(common, key=lambda w: -(idf[vocab[w]] if w in vocab else 0.0))
    return ranked[:limit]


def _skills_phrase(ranked: Ranked, doc: docmod.Doc) -> str | None:
    if not ranked.matched_skills:
        return None
    shown = [doc.declared.get(s, s) for s in ranked.matched_skills[:3]]
    return "技能: " + "; ".join(shown)


def _channel_reasons(store: Store, ranked: Ranked, doc: docmod.Doc, query_text: str, doc_text: str) -> list[str]:
    """Skills (structured), semantic similarity (dense) and shared keywords (lexical)."""
    out: list[str] = []
    if phrase := _skills_phrase(ranked, doc):
        out.append(phrase)
    dense = ranked.channels.get("dense", 0.0)
    if dense > 0:
        out.append(f"语义相近: {dense:.2f}")
    skip = ({normalize(s).lower() for s in ranked.matched_skills} | {v.lower() for v in doc.declared.values()}
            | {f.lower() for f in doc.fields | doc.clusters})
    keys = _keywords(store, query_text, doc_text, skip)
    if keys:
        out.append("关键词: " + "; ".join(keys))
    return out


def engineer_reasons(store: Store, challenge: Challenge, engineer: Engineer, ranked: Ranked,
                     stats: Stats, center_names: list[str]) -> list[str]:
    doc = store.docs[engineer.id]
    qdoc = docmod.challenge_doc(challenge)
    out = _channel_reasons(store, ranked, doc, docmod.challenge_text(challenge), docmod.engineer_text(engineer))
    fields = sorted(qdoc.fields & (doc.fields | doc.clusters))
    if fields:
        out.append("领域: " + "; ".join(fields[:2]))
    if qdoc.region and qdoc.region == doc.region:
        out.append(f"同在{doc.region}")
    if stats.rating_n:
        out.append(f"历史评价 {stats.rating:.1f} 分 ({stats.rating_n} 次)")
    if stats.accepted:
        out.append(f"已验收项目 {stats.accepted} 项")
    if engineer.talent_level in TALENT_RANK:
        out.append(f"{engineer.talent_level}人才")
    elif doc.title_rank >= 2 and engineer.title:
        out.append(f"职称: {engineer.title}")
    if not engineer.available or stats.load >= engineer.capacity:
        out.append(f"当前满负荷 ({stats.load}/{engineer.capacity})")
    if center_names:
        out.append("所属中心: " + center_names[0])
    return out[:MAX_REASONS] or ["综合相关度"]


def challenge_reasons(store: Store, engineer: Engineer, challenge: Challenge, ranked: Ranked) -> list[str]:
    if challenge.visibility == "invite":
        return [INVITE_ONLY]
    doc = store.docs[challenge.id]
    out = _channel_reasons(store, ranked, doc, docmod.engineer_text(engineer), docmod.challenge_text(challenge))
    if challenge.region and challenge.region == engineer.region:
        out.append(f"同在{challenge.region}")
    if challenge.budget:
        out.append(f"预算 {float(challenge.budget) / 10000:g}万元")
    if challenge.deadline:
        d = challenge.deadline
        out.append(f"揭榜截止 {d.year}年{d.month}月{d.day}日")
    return out[:MAX_REASONS] or ["综合相关度"]
