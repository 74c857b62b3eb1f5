"""Load-or-404 dependencies for center routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from centers.models import Center
from centers.service import get_center
from core.db import SessionDep


def center_or_404(center_id: str, session: SessionDep) -> Center:
    """A center by database id or external id (path parameter `center_id`)."""
    return get_center(session, center_id)


CenterDep = Annotated[Center, Depends(center_or_404)]
