"""Imports every model so that metadata (Alembic, create_all) sees all tables."""
from server.accounts.models import Account, AccountStatus, Contact  # noqa: F401
from server.accounts.search_table import account_search  # noqa: F401
from server.agenda.models import Appointment  # noqa: F401
from server.forecast.models import ForecastAdjustment, ForecastSnapshot, Opportunity  # noqa: F401
from server.kpis.models import ActionPlan  # noqa: F401
from server.ratelimits.models import RateLimitCounter  # noqa: F401
from server.quotes.models import (  # noqa: F401
    Attachment, ProductLine, QuoteEvent, QuoteRequest, RoutingRule, TechnicalTeam,
)
from server.segmentation.models import CommercialModel  # noqa: F401
from server.tours.models import TourPlan  # noqa: F401
from server.users.models import AuthEpoch, Team, TokenFamily, User  # noqa: F401
from server.visits.models import Task, Visit  # noqa: F401
from sync.models import (  # noqa: F401
    ChangeCounter, ConflictEntry, DeliveryAttempt, InFlight, MutationRecord, OutboxEvent, RecordAlias, SyncClient,
    Tombstone,
)
from server.customfields.models import CustomField  # noqa: F401, E402
