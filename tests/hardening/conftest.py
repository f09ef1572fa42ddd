"""Collection fix for the schemathesis fuzz test (tests/hardening/test_fuzz_api.py)."""
from __future__ import annotations


def pytest_collection_modifyitems(items):
    """Give each schemathesis item its operation's node id: `test_…[GET /api/accounts]`.

    schemathesis 4.32 names its items `test_…[<operation>]`, but pytest 9 builds a node id
    from the function's original name and a parametrize callspec, so all 129 operations got
    the same id. pytest-xdist tracks items by id and reported them as one; with their own
    ids each operation is counted, reported and selectable (`pytest "…[GET /api/tours]"`).
    """
    for item in items:
        label = getattr(item, "operation_label", None)
        if label and "[" not in item.nodeid:
            item._id = item.parent.id.child(item.originalname).with_params(label)
