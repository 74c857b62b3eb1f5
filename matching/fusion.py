"""Channel fusion: z-score each channel over the candidate pool, then a weighted sum.

Weights were tuned on the training half of the labelled set (seed/data/eval.jsonl,
challenges with an even index) and checked on the held-out half; see
docs/matching.md for the grid and the figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Weights:
    dense: float = 0.5
    lexical: float = 1.0
    structured: float = 0.7
    # inside the structured channel (raw units, before its z-score)
    skill: float = 1.0
    field: float = 0.6
    region: float = 0.08
    seniority: float = 0.05
    record: float = 0.15
    busy: float = 0.6  # penalty when the engineer is at capacity or unavailable

    def only(self, channel: str) -> "Weights":
        """These weights with every other channel switched off (for measurement)."""
        zero = {"dense": 0.0, "lexical": 0.0, "structured": 0.0}
        zero[channel] = 1.0
        return replace(self, **zero)


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Diversity:
    """Penalties (in z units) for each already chosen engineer from the same center, organisation, city,
    and a quota: no center fills more than `max_share` of the list while others are in the pool."""

    center: float = 0.25
    org: float = 0.25
    region: float = 0.05
    max_share: float = 0.6

    @property
    def active(self) -> bool:
        return any((self.center, self.org, self.region)) or self.max_share < 1.0


DEFAULT_DIVERSITY = Diversity()
NO_DIVERSITY = Diversity(0.0, 0.0, 0.0, 1.0)


def zscores(values: dict[int, float], ids: list[int]) -> np.ndarray:
    arr = np.asarray([values.get(i, 0.0) for i in ids], dtype=np.float64)
    if len(arr) == 0:
        return arr
    std = arr.std()
    if std < 1e-9:
        return np.zeros_like(arr)
    return (arr - arr.mean()) / std


def fuse(channels: dict[str, dict[int, float]], ids: list[int], weights: Weights) -> dict[int, float]:
    total = np.zeros(len(ids))
    for name, values in channels.items():
        w = getattr(weights, name)
        if w:
            total += w * zscores(values, ids)
    return dict(zip(ids, total.tolist()))


def display_score(fused: float) -> float:
    """A 0-1 figure for people; the order is the order of the fused value."""
    return round(1.0 / (1.0 + math.exp(-fused)), 4)
