"""The tour planner's vocabulary: what goes into planning a day and what comes out.

Times are minutes from local midnight (floats on the way out). Inside the planner
everything is integer seconds, because OR-Tools works on integers; :class:`Problem` is
that internal, solver-neutral form shared by the OR-Tools model and the fallback.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class Candidate:
    """An account that could be visited today; dropping it costs its ``priority``."""

    key: str
    lat: float
    lon: float
    service_min: float
    priority: int = 1
    opens: float | None = None  # opening hours: the visit must fit in [opens, closes]
    closes: float | None = None


@dataclass(frozen=True, kw_only=True)
class Appointment:
    """A booked visit: a hard time window, never dropped; it lasts ``end - start``."""

    key: str
    lat: float
    lon: float
    start: float
    end: float


@dataclass(frozen=True, kw_only=True)
class Lunch:
    """The rep takes ``duration`` minutes off, entirely within [window_start, window_end]."""

    window_start: float = 12 * 60
    window_end: float = 14 * 60
    duration: float = 60


@dataclass(frozen=True, kw_only=True)
class PlannedStop:
    key: str
    kind: str  # "appointment" | "candidate"
    lat: float
    lon: float
    arrive: float  # the visit starts (the rep may have waited outside before)
    depart: float
    drive_min: float  # from the previous point (home base or stop)
    drive_km: float
    # An appointment the rep cannot reach at its booked start: minutes after it that the
    # visit starts (`arrive`); 0 for a visit on time and for every other stop.
    late_min: float = 0.0


@dataclass(frozen=True, kw_only=True)
class Totals:
    drive_km: float
    drive_min: float
    visit_min: float


@dataclass(frozen=True, kw_only=True)
class DayPlan:
    start_at: float  # leaves home base
    end_at: float  # back at home base
    stops: list[PlannedStop]
    unplanned: list[tuple[str, str]]  # (key, reason in plain words)
    totals: Totals
    return_drive_min: float
    return_drive_km: float
    lunch: tuple[float, float] | None  # (start, end); may be taken mid-drive
    solver: str  # "pyvrp" | "ortools" | "fallback" | "appointments-only" | "nearest-neighbour" | "pyvrp-peer"
    warnings: list[str] = field(default_factory=list)


# Reasons given for candidates left out of the day, in the rep's words.
NO_TIME = "no time left in the working day"
# The day's free time would hold the visit, but no gap of it holds the drives there and back too.
TOO_FAR = "too far for the free time left in the day"
# Left out of its segment's share of the day (due.py, time split) while stops of other segments
# took their share: the commercial model's split, not the clock, kept it out.
TIME_SPLIT = "its segment's share of the day is used"
OUTSIDE_HOURS = "outside opening hours"
LOWER_PRIORITY = "lower priority than the stops kept"
APPOINTMENTS_CLASH = "the booked appointments cannot all be reached in time"


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One day as matrices. Node 0 is home base, then appointments, then candidates."""

    travel_s: list[list[int]]  # driving seconds, node × node
    km: list[list[float]]
    service_s: list[int]
    priority: list[int]  # 0 for home base and appointments
    earliest_s: list[int]  # window on the start of the visit
    latest_s: list[int]
    day_start_s: int
    day_end_s: int
    lunch_s: tuple[int, int, int] | None  # (earliest start, latest start, duration)
    n_appointments: int
    # Seconds `day_end_s` was moved past the end of the working day so that the booked
    # appointments can all be kept (planner._around_appointments); no visit goes there.
    overtime_s: int = 0

    @property
    def size(self) -> int:
        return len(self.service_s)

    def is_appointment(self, node: int) -> bool:
        return 1 <= node <= self.n_appointments

    @property
    def appointment_nodes(self) -> list[int]:
        return list(range(1, self.n_appointments + 1))

    @property
    def candidate_nodes(self) -> list[int]:
        return list(range(self.n_appointments + 1, self.size))
