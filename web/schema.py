"""Every table of the product, imported so SQLModel's metadata (and Alembic's env) sees the whole schema."""

from accounts import models as accounts_models
from centers import models as centers_models
from core import changes, eventlog
from marketplace.challenges import models as challenge_models
from marketplace.consultations import models as consultation_models
from marketplace.execution import models as execution_models
from marketplace.files import models as file_models
from marketplace.inbox import models as inbox_models
from matching import models as matching_models
from talent import models as talent_models

MODEL_MODULES = (accounts_models, talent_models, eventlog, changes, challenge_models, consultation_models,
                 execution_models, file_models, inbox_models, centers_models, matching_models)
