"""`/metrics` in the Prometheus text format (issue: hardening).

- `tournee_http_request_duration_seconds{endpoint,method,status}`: a histogram per
  URL rule (`/api/accounts/<account_id>`, never the raw path: bounded cardinality).
- `tournee_sync_mutations_total{status}`: fresh push results (replays excluded), counted
  through `sync.push.result_observers`; online REST edits run through the same engine.
- `tournee_sync_counter_hold_seconds`: how long each writing transaction held the change
  counter (sync/PROTOCOL.md C1, C4; for C5 the allocation's one statement), through
  `sync.changes.hold_observers`: write throughput is at most 1 ÷ this hold, whatever the
  number of hosts.
- Read from the database on each scrape, so right whatever process did the work:
  `tournee_outbox_pending`, `tournee_outbox_oldest_pending_age_seconds`,
  `tournee_outbox_events{state}` and `tournee_delivery_attempts_total{result}`
  (the dispatcher is another process; its attempts are rows, not counters in memory).

Several gunicorn workers: set `PROMETHEUS_MULTIPROC_DIR` to an empty directory that
every worker can write (wiped at each start), and call
`prometheus_client.multiprocess.mark_process_dead(worker.pid)` from gunicorn's
`child_exit` hook; each scrape then merges every worker's values (docs/deployment.md).

Access: not under /api (no user token), and closed by default. The scraper sends
`Authorization: Bearer <METRICS_TOKEN>`, or its address is listed in
`METRICS_ALLOWED_ADDRESSES` (addresses or networks); nobody else is answered,
loopback callers included (a reverse proxy on the same host is loopback too).
"""
from __future__ import annotations

import collections
import hmac
import ipaddress
import os
import time

from flask import Flask, Response, current_app, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram,
                               generate_latest)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import func, select

from server.errors import problem_response, PROBLEM_BASE

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
REQUEST_SECONDS = Histogram("tournee_http_request_duration_seconds", "HTTP request latency by URL rule and status.",
                            ["endpoint", "method", "status"], buckets=BUCKETS)
COUNTER_HOLD_SECONDS = Histogram("tournee_sync_counter_hold_seconds",
                                 "How long each writing transaction held the change counter (PROTOCOL C1, C4, C5).",
                                 buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0))
SYNC_MUTATIONS = Counter("tournee_sync_mutations_total", "Mutations applied by the sync engine, by result status.",
                         ["status"])


def count_mutations(results) -> None:
    """Count a push's fresh results ([{status, …}]) by status: one increment per status,
    not per result (a label lookup each cost a visible share of a 500-mutation push)."""
    for status, count in collections.Counter(result.get("status", "unknown") for result in results).items():
        SYNC_MUTATIONS.labels(status=status).inc(count)


def init_app(app: Flask) -> None:
    from sync import push
    from sync import changes
    if count_mutations not in push.result_observers:
        push.result_observers.append(count_mutations)
    if COUNTER_HOLD_SECONDS.observe not in changes.hold_observers:
        changes.hold_observers.append(COUNTER_HOLD_SECONDS.observe)
    app.after_request(_observe)
    app.add_url_rule("/metrics", "metrics", metrics_view)


def _observe(response: Response) -> Response:
    started = g.get("request_started")  # set by server/observability.py
    if started is not None:
        rule = request.url_rule.rule if request.url_rule is not None else "unmatched"
        REQUEST_SECONDS.labels(endpoint=rule, method=request.method,
                               status=str(response.status_code)).observe(time.perf_counter() - started)
    return response


def metrics_view():
    refusal = _refusal()
    if refusal is not None:
        return refusal
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    scraped = CollectorRegistry()
    scraped.register(DatabaseCollector())
    return Response(body + generate_latest(scraped), mimetype=CONTENT_TYPE_LATEST.split(";")[0],
                    headers={"Content-Type": CONTENT_TYPE_LATEST})


def _refusal():
    """Closed by default: the bearer `METRICS_TOKEN`, or a caller in `METRICS_ALLOWED_ADDRESSES`.

    Loopback alone is not enough: behind a reverse proxy on the same host every
    caller comes from loopback. The address is the real client's (TRUSTED_PROXIES)."""
    config = current_app.config
    token = config.get("METRICS_TOKEN")
    if token and hmac.compare_digest(request.headers.get("Authorization", "").encode(), f"Bearer {token}".encode()):
        return None
    if _allowed_address(request.remote_addr, config.get("METRICS_ALLOWED_ADDRESSES") or ""):
        return None
    if token:
        doc = {"type": PROBLEM_BASE + "unauthorized", "title": "Authentication required", "status": 401,
               "detail": "Send the metrics token as a bearer token."}
        return problem_response(doc, 401, {"WWW-Authenticate": "Bearer"})
    doc = {"type": PROBLEM_BASE + "forbidden", "title": "Forbidden", "status": 403,
           "detail": "Metrics are closed: set METRICS_TOKEN, or list the scraper in METRICS_ALLOWED_ADDRESSES."}
    return problem_response(doc, 403)


def _allowed_address(address: str | None, allowed: str) -> bool:
    """`allowed`: comma-separated addresses or networks (`127.0.0.1, 10.0.0.0/8`)."""
    try:
        caller = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    for entry in (e.strip() for e in allowed.split(",")):
        try:
            if entry and caller in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


class DatabaseCollector:
    """Gauges and counters read from the database at scrape time."""

    def collect(self):
        from server.extensions import db
        from sync.models import DeliveryAttempt, OutboxEvent
        from sync.outbox import backlog
        session = db.session
        waiting = backlog(session)
        pending = GaugeMetricFamily("tournee_outbox_pending", "Outbox events waiting for delivery.")
        pending.add_metric([], waiting["pending"])
        oldest = GaugeMetricFamily("tournee_outbox_oldest_pending_age_seconds",
                                   "Age of the oldest event waiting for delivery (0 when none).")
        oldest.add_metric([], waiting["oldest_age_s"] or 0.0)
        states = GaugeMetricFamily("tournee_outbox_events", "Outbox events by state.", labels=["state"])
        for state, count in session.execute(select(OutboxEvent.state, func.count()).group_by(OutboxEvent.state)):
            states.add_metric([state], count)
        attempts = CounterMetricFamily("tournee_delivery_attempts", "Delivery attempts by result.", labels=["result"])
        by_result = dict(session.execute(select(DeliveryAttempt.ok, func.count()).group_by(DeliveryAttempt.ok)).all())
        attempts.add_metric(["delivered"], by_result.get(True, 0))
        attempts.add_metric(["failed"], by_result.get(False, 0))
        session.rollback()  # end the read transaction: the scrape holds no snapshot open
        yield from (pending, oldest, states, attempts)
