"""Import every table so the metadata (and Alembic) sees the whole schema."""

from accounts.models import Organisation, User  # noqa: F401
from centers import models as centers_models  # noqa: F401
from marketplace import models as marketplace_models  # noqa: F401
from matching import models as matching_models  # noqa: F401
