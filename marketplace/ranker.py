"""The matcher as the marketplace sees it.

marketplace sits below matching, so it never imports the matcher: the app (web/app.py)
puts `matching.service.rank_engineers` on `app.state`, the CLI and tests pass it by hand,
and without one the marketplace falls back to plain field and skill overlap.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

# rank(session, *, challenge, top) -> [(engineer id, score 0-1, reasons)], best first
RankEngineers = Callable[..., list[tuple[int, float, list[str]]]]


def get_ranker(request: Request) -> RankEngineers | None:
    return getattr(request.app.state, "rank_engineers", None)


RankerDep = Annotated[RankEngineers | None, Depends(get_ranker)]
