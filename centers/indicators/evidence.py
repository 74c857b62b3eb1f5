"""Evidence: the records behind each figure, bounded per figure, with full counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from centers.indicators.scope import china_day

EVIDENCE_LIMIT = 50  # items kept per figure; counts stay exact


class Evidence:
    def __init__(self, limit: int = EVIDENCE_LIMIT) -> None:
        self.limit = limit
        self.items: list[dict[str, Any]] = []
        self.counts: dict[str, int] = {}

    def add(self, figure: str, kind: str, record_id: int | str | None, title: str,
            when: date | datetime | None = None, **extra: Any) -> None:
        seen = self.counts.get(figure, 0)
        self.counts[figure] = seen + 1
        if seen < self.limit:
            item = {"figure": figure, "kind": kind, "id": record_id, "title": title, "date": china_day(when)}
            item.update({key: value for key, value in extra.items() if value is not None})
            self.items.append(item)

    def extend(self, figure: str, kind: str, rows: list, *, title=lambda r: r.title, when=None, **fixed: Any) -> None:
        for row in rows:
            self.add(figure, kind, row.id, title(row), when(row) if when else None, **fixed)


@dataclass
class LineResult:
    figures: dict
    evidence: Evidence
    suggested: float
    parts: dict = field(default_factory=dict)  # two-row lines: points per row
