"""Fault points: named places in a request where the fault tests make things break.

Inert in production. With ``FAULT_INJECTION`` on (env ``TOURNEE_FAULT_INJECTION=1``,
never set by ``make run``) a request can ask, by header, for its worker to die at a
point (``X-Tournee-Fault: push.before_commit=kill``), and an in-process test can arm a
callback (``arm("push.before_commit", proxy.cut)``). The points sit where a crash
hurts most: after the writes are flushed and before they commit.
"""
from __future__ import annotations

import os
import signal
from collections.abc import Callable

from flask import current_app, has_request_context, request

HEADER = "X-Tournee-Fault"

# point name → the callback to run once when the point is next reached (in-process tests)
_armed: dict[str, Callable[[], None]] = {}


def arm(name: str, action: Callable[[], None]) -> None:
    _armed[name] = action


def disarm_all() -> None:
    _armed.clear()


def point(name: str) -> None:
    """Run what a test asked for at `name`; nothing unless FAULT_INJECTION is on."""
    if not current_app.config.get("FAULT_INJECTION"):
        return
    action = _armed.pop(name, None)
    if action is not None:
        action()
    wanted = request.headers.get(HEADER, "") if has_request_context() else ""
    if wanted == f"{name}=kill":
        # SIGKILL: no finally blocks, no rollback, no response; what a crash or OOM does
        os.kill(os.getpid(), signal.SIGKILL)
