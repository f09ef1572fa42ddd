"""Fixtures of the sync specs."""
from __future__ import annotations

import pytest

from server import faults


@pytest.fixture
def fault_injection(app):
    """The app's fault points armed for this test (server/faults.py), disarmed after it."""
    app.config["FAULT_INJECTION"] = True
    yield faults
    faults.disarm_all()
    app.config["FAULT_INJECTION"] = False
