"""Tour plans sync to the tablet read-only: the server plans, the tablet shows them offline."""
from __future__ import annotations

from server.tours.models import TourPlan
from sync.registry import EntitySpec

tour_plan_spec = EntitySpec(
    name="tour_plan", model=TourPlan, policies={}, creatable={}, updatable={},
    output_fields=("id", "version", "rep_id", "date", "plan"),
)
