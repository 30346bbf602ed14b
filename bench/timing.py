"""What the page benchmarks share (bench/offices.py, bench/scale.py, bench/trading.py): a count of
the SQL statements sent, and the timing of one page — a warm-up request, then timed requests
until their number or their time budget runs out; a page slower than half the budget is timed
once, by its first request, rather than for minutes."""

from __future__ import annotations

import time

from sqlalchemy import event


class Statements:
    """Counts the SQL statements sent to the database (an executemany counts once)."""

    def __init__(self, engine):
        self.n = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_args, **_kwargs) -> None:
        self.n += 1


def time_page(
    client, path: str, row, counter: Statements, *, requests: int, budget: float, timer=None
):
    """Fill `row` (its `times` in ms, `statements`, `status`, `note`) with GETs of `path` and
    return the first (warm-up) response. Every timed request must answer 200. `timer`: the
    clock (time.perf_counter, wall time, by default; time.process_time counts this process's
    CPU only — steadier on a machine others share, and on SQLite all the work is in-process)."""
    timer = timer or time.perf_counter
    before, t0 = counter.n, time.perf_counter()
    first = client.get(path)  # warm-up: templates, caches
    cold = time.perf_counter() - t0
    row.status = first.status_code
    if row.status == 200 and cold > budget / 2:
        row.times.append(cold * 1000)
        row.statements.append(counter.n - before)
        row.note = "one request (slow)"
    elif row.status == 200:
        spent = 0.0
        while len(row.times) < requests and spent < budget:
            before, t0 = counter.n, timer()
            response = client.get(path)
            row.times.append((timer() - t0) * 1000)
            row.statements.append(counter.n - before)
            spent += row.times[-1] / 1000
            assert response.status_code == 200, (path, response.status_code)
    return first
