"""A bounded load on loopback against the live hosts: public readers and a staff writer, each
request on the next live host, with figures per host; a host may be killed in the middle, and
from then on only the others are asked (as a load balancer does once a host stops answering)."""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass, field

import requests

from tests.cluster.hosts import Client, form_tokens


@dataclass(frozen=True)
class Sample:
    host: str
    path: str
    status: int | None  #: None: no answer (refused, reset, timed out)
    seconds: float
    at: float  #: time.monotonic() when it ended


@dataclass
class Load:
    urls: dict[str, str]  #: host name → base URL
    samples: list[Sample] = field(default_factory=list)
    #: Titles of the drafts whose creation was answered 302: each must be in the database.
    acked: list[str] = field(default_factory=list)
    killed: dict[str, float] = field(default_factory=dict)  #: host → when it was killed

    def __post_init__(self):
        self.alive = sorted(self.urls)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []

    def host(self, i: int) -> str:
        with self.lock:
            return self.alive[i % len(self.alive)]

    def call(self, client: Client, name: str, method: str, path: str, **kw):
        started = time.monotonic()
        try:
            r = client.request(method, self.urls[name] + path, **kw)
            status = r.status_code
        except requests.RequestException:
            r, status = None, None
        ended = time.monotonic()
        with self.lock:
            self.samples.append(Sample(name, path, status, ended - started, ended))
        return r

    def kill(self, name: str, kill) -> None:
        """`kill()` the host, then stop sending it anything. A request to it that ends without
        an answer from the moment the kill began is the kill's doing, not a fault."""
        with self.lock:
            self.killed[name] = time.monotonic()
        kill()
        with self.lock:
            self.alive.remove(name)

    # ---- the clients -------------------------------------------------------------------------

    def reader(self, n: int, paths: list[str]) -> None:
        client, i = Client(f"198.51.100.{n + 1}"), n
        while not self.stop.is_set():
            self.call(client, self.host(i), "GET", paths[i % len(paths)])
            i += 1

    def writer(self, client: Client, form: dict, prefix: str) -> None:
        """Drafts, one after another, each on the next live host (a retry is a new draft): the
        form is fetched from that host for its tokens, as a browser would, then posted."""
        i = 0
        while not self.stop.is_set():
            title = f"{prefix}{i:05d}"
            name = self.host(i)
            page = self.call(client, name, "GET", "/staff/notices/new")
            tokens = form_tokens(page.text) if page is not None else None
            if tokens is not None:
                data = {**form, "title": title, **tokens}
                r = self.call(client, name, "POST", "/staff/notices/new", data=data)
                if r is not None and r.status_code == 302:
                    with self.lock:
                        self.acked.append(title)
            i += 1

    def start(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self.threads.append(thread)

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(30)

    # ---- what it shows -----------------------------------------------------------------------

    def unexpected(self) -> list[Sample]:
        """Answers no client should get: a 5xx anywhere, or no answer from a host that was up."""
        bad = []
        for s in self.samples:
            down = s.host in self.killed and s.at >= self.killed[s.host]
            if (s.status is None and not down) or (s.status is not None and s.status >= 500):
                bad.append(s)
        return bad

    def figures(self, seconds: float) -> str:
        lines = [
            f"two-host load: {len(self.samples)} requests in {seconds:.1f} s "
            f"({len(self.samples) / seconds:.0f} req/s), {len(self.acked)} writes acknowledged"
        ]
        for name in sorted(self.urls):
            mine = [s for s in self.samples if s.host == name]
            answered = sorted(s.seconds for s in mine if s.status is not None)
            no_answer = sum(1 for s in mine if s.status is None)
            errors = sum(1 for s in mine if s.status is not None and s.status >= 500)
            if answered:
                p50 = statistics.median(answered) * 1000
                p95 = answered[int(0.95 * (len(answered) - 1))] * 1000
            else:
                p50 = p95 = 0.0
            killed = " (killed mid-load)" if name in self.killed else ""
            lines.append(
                f"  host {name}{killed}: {len(mine)} requests, p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
                f"5xx {errors}, unanswered {no_answer}"
            )
        return "\n".join(lines)
