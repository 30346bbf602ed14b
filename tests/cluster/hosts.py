"""Two production hosts on one machine: each a gunicorn server and a `flask scheduler`, with its own
port and instance folder, sharing one PostgreSQL database, Redis and an S3 store; and an HTTP
client that carries its cookies itself (production's cookies are Secure, and these hosts speak
plain http on loopback)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
#: Shared by both hosts, as one deployment's settings are (never used outside these tests).
SECRET_KEY = "cluster-test-only-secret-key-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, seconds: float = 60.0, step: float = 0.1):
    """`predicate()` once it is truthy, polled every `step` for up to `seconds` (a pass returns
    at once; the bound only matters on a machine loaded many deep), else its last value."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


@dataclass
class Host:
    """One host: `gunicorn` (master and workers in one process group) and `flask scheduler`."""

    name: str
    env: dict
    folder: Path
    port: int = field(default_factory=free_port)
    server: subprocess.Popen | None = None
    scheduler: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self, argv: list[str], log: str) -> subprocess.Popen:
        out = open(self.folder / log, "ab")  # noqa: SIM115 - the child keeps it
        return subprocess.Popen(
            argv,
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill -9 takes master and workers
        )

    def start_server(self, workers: int = 2, threads: int = 4) -> None:
        """Start gunicorn (the app made once in the master, `--preload`, then forked: one
        create_app a host, not one a worker, on a machine of two cores)."""
        argv = [str(BIN / "gunicorn"), "--workers", str(workers), "--threads", str(threads)]
        argv += ["--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "2", "--preload"]
        self.server = self._spawn([*argv, "app:create_app()"], "gunicorn.log")

    def wait_ready(self) -> None:
        if not wait_for(self._ready, 90):
            raise RuntimeError(f"host {self.name} did not start:\n{self.log('gunicorn.log')}")

    def _ready(self) -> bool:
        if self.server.poll() is not None:
            raise RuntimeError(f"host {self.name} exited:\n{self.log('gunicorn.log')}")
        try:
            return requests.get(self.url + "/healthz", timeout=5).status_code == 200
        except requests.RequestException:  # not listening yet, or its workers still booting
            return False

    def start_scheduler(self) -> None:
        argv = [str(BIN / "flask"), "scheduler", "--idle-seconds", "0.5"]
        self.scheduler = self._spawn(argv, "scheduler.log")

    def log(self, name: str) -> str:
        path = self.folder / name
        return path.read_text(errors="replace") if path.exists() else ""

    def pids(self) -> set[int]:
        """Every process of this host: the schedulers' and gunicorn's groups (master, workers)."""
        found = set()
        for proc in (self.server, self.scheduler):
            if proc is None:
                continue
            out = subprocess.run(
                ["pgrep", "-g", str(proc.pid)], capture_output=True, text=True, check=False
            )
            found |= {int(p) for p in out.stdout.split()}
        return found

    def kill(self) -> set[int]:
        """kill -9 the whole host at once (no process gets to clean up); the pids killed."""
        pids = self.pids()
        for proc in (self.server, self.scheduler):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        for proc in (self.server, self.scheduler):
            if proc is not None:
                proc.wait(10)
        return pids

    def stop(self) -> None:
        """At the end of the test: nothing of a host outlives it (kill -9 too, for speed)."""
        for proc in (self.server, self.scheduler):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)


def host_env(name: str, folder: Path, *, database_url: str, redis_url: str, extra: dict) -> dict:
    """The production environment of one host: its own instance folder, everything else shared."""
    folder.mkdir(parents=True, exist_ok=True)
    base = redis_url.rstrip("/")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SMALLWORKS_", "TEST_DATABASE", "FLASK_", "PYTEST"))
    }
    env.update(
        {
            "SMALLWORKS_ENV": "production",
            "FLASK_APP": "app:create_app",
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": database_url,
            "RATELIMIT_STORAGE_URI": f"{base}/10",
            "CACHE_REDIS_URL": f"{base}/11",
            "SMALLWORKS_INSTANCE": str(folder),
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "BUILT_FOLDER": str(folder / "built"),
            "PUBLIC_BASE_URL": "https://smallworks.example",
            # Behind one proxy: the tests give each client its address (X-Forwarded-For).
            "PROXY_FIX_X_FOR": "1",
            "LOG_LEVEL": "WARNING",
            "LOG_REQUESTS": "0",
            **{k: str(v) for k, v in extra.items()},
        }
    )
    return env


_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Client:
    """A browser of one person, on any host: it keeps its cookies (Secure ones too — the hosts
    speak plain http here, where a real browser would be behind https) and sends them to every
    host, as a load balancer's client does."""

    def __init__(self, address: str, timeout: float = 10.0):
        self.http = requests.Session()
        self.cookies: dict[str, str] = {}
        self.address = address
        self.timeout = timeout

    def request(self, method: str, url: str, **kw) -> requests.Response:
        headers = {"X-Forwarded-For": self.address, **kw.pop("headers", {})}
        r = self.http.request(
            method,
            url,
            headers=headers,
            cookies=self.cookies,
            allow_redirects=False,
            timeout=self.timeout,
            **kw,
        )
        for cookie in r.cookies:
            if cookie.value:
                self.cookies[cookie.name] = cookie.value
            else:
                self.cookies.pop(cookie.name, None)
        self.http.cookies.clear()  # ours are in self.cookies, sent explicitly
        return r

    def get(self, url: str, **kw) -> requests.Response:
        return self.request("GET", url, **kw)

    def tokens(self, url: str) -> dict[str, str]:
        """What a browser sends back with the form at `url`: its tokens (`form_tokens`)."""
        page = self.get(url)
        tokens = form_tokens(page.text)
        if tokens is None:
            raise AssertionError(f"no CSRF token on {url} ({page.status_code})")
        return tokens

    def token(self, url: str) -> str:
        return self.tokens(url)["csrf_token"]

    def submit(self, url: str, data, *, form_page: str | None = None, **kw) -> requests.Response:
        """POST a form with the tokens of `form_page` (the page itself by default)."""
        tokens = self.tokens(form_page or url)
        data = {**data, **tokens} if isinstance(data, dict) else [*data, *tokens.items()]
        return self.request("POST", url, data=data, **kw)

    def login(self, host_url: str, username: str, password: str) -> requests.Response:
        return self.submit(host_url + "/login", {"username": username, "password": password})


def form_tokens(html: str) -> dict[str, str] | None:
    """A page's CSRF token, and its once-only token (app.once) if it is a create form; None
    if the page has no form."""
    match = _TOKEN.search(html)
    if not match:
        return None
    tokens = {"csrf_token": unescape(match.group(1))}
    once = hidden(html, "once")
    if once:
        tokens["once"] = once[0]
    return tokens


def hidden(html: str, name: str) -> list[str]:
    """The values of a page's hidden inputs named `name`, in order."""
    return [
        unescape(v)
        for v in re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    ]
