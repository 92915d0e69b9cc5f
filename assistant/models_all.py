"""Imports every table model so Base.metadata is complete (for Alembic)."""

from assistant.db import Base
from assistant.appointments import models as _appointment_models  # noqa: F401
from assistant.cases import models as _case_models  # noqa: F401
from assistant.curation import models as _curation_models  # noqa: F401
from assistant.accounts import models as _accounts_models  # noqa: F401
from assistant.handoff import models as _handoff_models  # noqa: F401
from assistant.kb import models as _kb_models  # noqa: F401
from assistant import sessions as _sessions  # noqa: F401
from assistant.records import models as _records_models  # noqa: F401

metadata = Base.metadata
