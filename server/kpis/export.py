"""GET /api/kpis.csv: the figures of GET /api/kpis, one per line, for spreadsheets."""
from __future__ import annotations

from datetime import date
from typing import Any

HEADER = ["From", "To", "Figure", "Segment", "Value"]  # msgids: written in the caller's language


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
    return out
