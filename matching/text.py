"""Texts and tokens for the lexical channel: jieba words plus CJK character bigrams."""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

from matching.vocab import dictionary_words, normalize

MAX_CHARS = 4000  # longer texts are cut: a 100,000-character description must not slow anyone down
ENCODE_CHARS = 600

_lock = threading.Lock()
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_LATIN = re.compile(r"[a-z][a-z0-9+#./-]*[a-z0-9+#]|[a-z]|\d+(?:\.\d+)?")
STOPWORDS = frozenset(
    "的 了 和 与 及 或 在 是 为 对 等 中 有 我 我们 公司 企业 需要 进行 相关 一个 可以 通过 问题 以及 "
    "提供 要求 实现 方面 目前 现有 希望 能够 开展 负责 具有 多年 主要 工作 经验 从事 项目 技术 研究 "
    "我司 本公司 情况 其中 并且 解决 产品 开发 设计".split()
)


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    with _lock:
        jieba.initialize()
        for word in dictionary_words():
            jieba.add_word(word, freq=20000)
    return jieba


def clip(text: str | None, limit: int = MAX_CHARS) -> str:
    return normalize(text)[:limit]


def words(text: str) -> list[str]:
    """jieba words (domain dictionary loaded), lower-cased, without stop words and punctuation."""
    jieba = _jieba()
    out = []
    for token in jieba.lcut(clip(text).lower(), HMM=False):
        token = token.strip()
        if len(token) < 1 or token in STOPWORDS:
            continue
        if _CJK_RUN.fullmatch(token) or _LATIN.fullmatch(token):
            if len(token) == 1 and _CJK_RUN.fullmatch(token):
                continue
            out.append(token)
    return out


def bigrams(text: str) -> list[str]:
    grams = []
    for run in _CJK_RUN.findall(clip(text)):
        grams.extend("#" + run[i:i + 2] for i in range(len(run) - 1))
    return grams


def tokens(text: str) -> list[str]:
    """The lexical bag: words and, prefixed with '#', character bigrams."""
    return words(text) + bigrams(text)


def has_content(text: str | None) -> bool:
    """Whether a text carries anything to match on (letters, CJK or digits)."""
    return bool(re.search(r"[\u4e00-\u9fffA-Za-z0-9]", normalize(text)))
