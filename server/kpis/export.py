"""GET /api/kpis.csv: the figures of GET /api/kpis, one per line, for spreadsheets."""
from __future__ import annotations

from datetime import date
from typing import Any

HEADER = ["From", "To", "Figure", "Segment", "Value"]  # msgids: written in the caller's language

# Each figure's name in words (a msgid, server/translations); the code stays as is when it has none.
FIGURES = {
    "visits_done": "Visits done", "visits_planned": "Visits planned", "coverage": "Coverage",
    "time_share": "Time share", "time_share_target": "Time share target", "revenue": "Revenue won",
    "calls": "Calls", "opportunities": "Opportunities", "accounts": "Accounts",
    "quotes_requested": "Quotes requested", "quotes_quoted": "Quotes quoted", "quotes_won": "Quotes won",
    "quotes_lost": "Quotes lost", "quotes_conversion_rate": "Conversion rate",
    "quotes_turnaround_hours_p50": "Quote turnaround, median (hours)",
    "quotes_turnaround_hours_p90": "Quote turnaround, 90th percentile (hours)",
    "quotes_route_hours_p50": "Routing time, median (hours)", "quotes_average_amount": "Average amount won",
    "plan_target_visits": "Target: visits", "plan_target_calls": "Target: calls", "plan_target_revenue": "Target: revenue",
    "plan_actual_visits": "Done: visits", "plan_actual_calls": "Done: calls", "plan_actual_revenue": "Done: revenue",
    "plan_attainment": "Objectives reached", "rep_done": "Rep: visits done", "rep_planned": "Rep: visits planned",
    "rep_calls": "Rep: calls", "rep_coverage": "Rep: coverage", "rep_won": "Rep: quotes won", "rep_lost": "Rep: quotes lost",
    "rep_revenue": "Rep: revenue won",
}


def rows(figures: dict[str, Any]) -> list[list[Any]]:
    span = [date.fromisoformat(figures["from"]), date.fromisoformat(figures["to"])]
    out: list[list[Any]] = []
    for s, counts in figures["visits"].items():
        out += [[*span, "visits_done", s, counts["done"]], [*span, "visits_planned", s, counts["planned"]]]
    for name in ("coverage", "time_share", "time_share_target", "revenue", "calls", "opportunities", "accounts"):
        out += [[*span, name, s, value] for s, value in figures[name].items()]
    out += [[*span, f"quotes_{k}", "", v] for k, v in figures["quotes"].items()]
    plan = figures.get("action_plan")
    if plan:
        for s, targets in plan["targets"].items():
            for k, v in targets.items():
                out += [[*span, f"plan_target_{k}", s, v], [*span, f"plan_actual_{k}", s, plan["actual"][s][k]]]
        out.append([*span, "plan_attainment", "", plan["attainment"]])
    for rep in figures["by_rep"]:
        for k in ("done", "planned", "calls", "coverage", "won", "lost", "revenue"):
            out.append([*span, f"rep_{k}", rep["name"], rep[k]])
    from server.i18n import translate
    return [[a, b, translate(FIGURES.get(name, name)), *rest] for a, b, name, *rest in out]
