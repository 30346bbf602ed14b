"""Time edges: the next moment at which a public page changes by the clock alone."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Flask

from app import clock
from app.wiring import registry

#: The registry of time edges (`register_time_edge`).
TIME_EDGES = "app.time_edges"


def register_time_edge(app: Flask, name: str, edge) -> None:
    """Let a domain say when its public pages change by the clock alone: `edge(now)` gives the
    earliest moment at or after `now` at which something it shows changes (a publicity ends, the
    responses close, a meeting's time comes), or None. Dates need no edge: the page cache always
    ends an entry at the next local midnight."""
    registry(TIME_EDGES, app)[name] = edge


def next_local_midnight(now: datetime) -> datetime:
    """The next 00:00 in Asia/Shanghai after `now`: today() and every date comparison roll over."""
    tomorrow = clock.local(now).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=clock.TZ)


def next_edge(now: datetime) -> datetime:
    """The earliest moment at or after `now` at which a public page may change without a write."""
    edges = [next_local_midnight(now)]
    for edge in registry(TIME_EDGES).values():
        moment = edge(now)
        if moment is not None:
            edges.append(moment)
    return min(edges)
