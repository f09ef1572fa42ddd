"""The change counter's single row (PROTOCOL C1): a fresh or emptied database lacks it,
and the first numbers taken create it, whichever way they are taken."""
from __future__ import annotations

import pytest

from sync.changes import PROVISIONAL, ChangeNumbers
from sync.models import ChangeCounter


@pytest.mark.parametrize("last", [False, True], ids=["counter-first", "counter-last"])
def test_the_first_numbers_of_a_fresh_database_create_the_counter(session, backend, last):
    """Locked first (C1), the session creates the row; taken last (C4), on PostgreSQL in a
    transaction of their own (C5), the allocation's connection does, since it cannot see the
    session's transaction. Either way the row has an epoch, and numbers start at 1."""
    assert session.get(ChangeCounter, 1) is None  # each test starts from empty tables
    numbers = ChangeNumbers(session, last=last)
    first = PROVISIONAL + 1 if last else 1
    assert (numbers.next(), numbers.next()) == (first, first + 1)
    numbers.flush()
    assert numbers.mode == ("allocated" if last and backend == "postgresql" else "locked")
    session.commit()
    counter = session.get(ChangeCounter, 1)
    assert (counter.value, counter.pruned_below) == (2, 0) and counter.epoch
