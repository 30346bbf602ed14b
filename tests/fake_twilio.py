"""A fake Twilio Messages API on a free local port, for the real `twilio` client.

It answers POST and GET /2010-04-01/Accounts/<sid>/Messages.json like Twilio (JSON shapes, RFC 2822
dates, error bodies with codes), can be told to fail (429, 500, timeouts before or after accepting,
error codes), records every accepted create so tests can count duplicates, and posts signed status
callbacks back to our app with RequestValidator's own signature computation.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from twilio.request_validator import RequestValidator

from app import clock

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "fake-twilio-auth-token-0123456789"
MESSAGING_SERVICE_SID = "MG" + "fedcba9876543210" * 2

_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC[0-9a-f]{32})/Messages\.json$")

ERRORS = {
    21211: "The 'To' number is not a valid phone number.",
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
    21408: "Permission to send an SMS has not been enabled for the region indicated by the 'To' number",
    20429: "Too Many Requests",
}


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A client killed in the middle of its call (the scheduler tests' kill -9): expected.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@dataclass
class Failure:
    """One programmed failure, used by the next create (optionally only for one number).

    kind: "status" (answer `status` with an empty body), "error" (a Twilio JSON error with `code`),
    "timeout" (sleep `seconds`, then answer 500 without accepting), "accept_then_timeout"
    (accept and record the message, then sleep `seconds` before answering), "late_accept" (sleep
    `seconds` — longer than the client waits — then accept and record it: it exists at the
    provider only from then on).
    """

    kind: str
    status: int = 500
    code: int | None = None
    seconds: float = 0.0
    to: str | None = None


@dataclass
class FakeTwilio:
    auth_token: str = AUTH_TOKEN
    account_sid: str = ACCOUNT_SID
    messages: list[dict] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    #: Seconds each create takes (to simulate a slow provider in the bench).
    latency: float = 0.0

    def __post_init__(self):
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # one response, not 40 ms of delayed ACK each

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                fake._handle(self, "POST")

            def do_GET(self):
                fake._handle(self, "GET")

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # ---- what tests program and read -----------------------------------------------------------

    def fail_next(self, kind: str, times: int = 1, **kw) -> None:
        with self.lock:
            self.failures.extend(Failure(kind, **kw) for _ in range(times))

    def creates_to(self, number: str) -> int:
        with self.lock:
            return sum(1 for m in self.messages if m["to"] == number)

    def duplicates(self) -> int:
        """Accepted creates beyond the first of each (to, body)."""
        with self.lock:
            seen: dict[tuple[str, str], int] = {}
            for m in self.messages:
                seen[(m["to"], m["body"])] = seen.get((m["to"], m["body"]), 0) + 1
        return sum(n - 1 for n in seen.values())

    def by_sid(self, sid: str) -> dict:
        return next(m for m in self.messages if m["sid"] == sid)

    def callback(self, sid: str, status: str, post, *, error_code: str | None = None, token=None):
        """Post Twilio's status callback for a message to its StatusCallback URL, signed with
        RequestValidator's own computation (or a wrong token, to test the refusal).
        `post(url, params, headers)` does the HTTP (the Flask test client in our tests)."""
        m = self.by_sid(sid)
        params = {
            "AccountSid": self.account_sid,
            "ApiVersion": "2010-04-01",
            "From": m["from"] or "",
            "MessageSid": sid,
            "MessageStatus": status,
            "SmsSid": sid,
            "SmsStatus": status,
            "To": m["to"],
        }
        if error_code:
            params["ErrorCode"] = error_code
        url = m["status_callback"]
        signature = RequestValidator(token or self.auth_token).compute_signature(url, params)
        return post(url, params, {"X-Twilio-Signature": signature})

    # ---- the API --------------------------------------------------------------------------------

    def _authorised(self, handler) -> bool:
        header = handler.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return user == self.account_sid and password == self.auth_token

    def _handle(self, handler, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length).decode() if length else ""
        with self.lock:
            self.requests.append((method, handler.path))
        match = _PATH.match(parts.path)
        if not match or match["sid"] != self.account_sid:
            return self._json(handler, 404, self._error(20404, "Not found", 404))
        if not self._authorised(handler):
            return self._json(handler, 401, self._error(20003, "Authenticate", 401))
        if method == "GET":
            return self._list(handler, parse_qs(parts.query))
        return self._create(handler, {k: v[0] for k, v in parse_qs(raw).items()})

    def _error(self, code: int, message: str, status: int) -> dict:
        return {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        }

    def _json(self, handler, status: int, payload, *, body: bytes | None = None) -> None:
        data = body if body is not None else json.dumps(payload).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout we programmed)

    def _next_failure(self, to: str) -> Failure | None:
        with self.lock:
            for i, f in enumerate(self.failures):
                if f.to in (None, to):
                    return self.failures.pop(i)
        return None

    def _create(self, handler, form: dict) -> None:
        to = form.get("To", "")
        failure = self._next_failure(to)
        if failure and failure.kind == "status":
            return self._json(handler, failure.status, None, body=b"")
        if failure and failure.kind == "error":
            status = 429 if failure.code == 20429 else 400
            return self._json(
                handler,
                status,
                self._error(failure.code, ERRORS.get(failure.code, "error"), status),
            )
        if failure and failure.kind == "timeout":
            time.sleep(failure.seconds)
            return self._json(handler, 500, None, body=b"")
        if failure and failure.kind == "late_accept":
            time.sleep(failure.seconds)
        if not to or not form.get("Body"):
            return self._json(
                handler, 400, self._error(21604, "A 'To' phone number is required.", 400)
            )
        if self.latency:
            time.sleep(self.latency)
        now = clock.now()
        message = {
            "sid": "SM" + secrets.token_hex(16),
            "to": to,
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "body": form["Body"],
            "status": "queued" if form.get("MessagingServiceSid") else "sent",
            "date_created": now,
            "date_sent": now,
            "status_callback": form.get("StatusCallback"),
        }
        with self.lock:
            self.messages.append(message)
        if failure and failure.kind == "accept_then_timeout":
            time.sleep(failure.seconds)
        return self._json(handler, 201, self._resource(message))

    def _resource(self, m: dict) -> dict:
        def rfc2822(moment: datetime | None) -> str | None:
            return format_datetime(moment.astimezone(UTC), usegmt=True) if moment else None

        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": m["body"],
            "date_created": rfc2822(m["date_created"]),
            "date_sent": rfc2822(m["date_sent"]),
            "date_updated": rfc2822(m["date_created"]),
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": m["from"],
            "messaging_service_sid": m["messaging_service_sid"],
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": m["sid"],
            "status": m["status"],
            "to": m["to"],
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{m['sid']}.json",
        }

    def _list(self, handler, query: dict) -> None:
        def when(value: str) -> datetime:
            if "T" in value:
                return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)

        with self.lock:
            found = list(self.messages)
        if "To" in query:
            found = [m for m in found if m["to"] == query["To"][0]]
        if "DateSent>" in query:
            after = when(query["DateSent>"][0])
            found = [m for m in found if m["date_sent"] and m["date_sent"] >= after]
        if "DateSent<" in query:
            before = when(query["DateSent<"][0])
            found = [m for m in found if m["date_sent"] and m["date_sent"] <= before]
        size = int(query.get("PageSize", ["50"])[0])
        found = sorted(found, key=lambda m: m["date_created"], reverse=True)[:size]
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        return self._json(
            handler,
            200,
            {
                "messages": [self._resource(m) for m in found],
                "end": max(len(found) - 1, 0),
                "first_page_uri": f"{uri}?PageSize={size}&Page=0",
                "next_page_uri": None,
                "page": 0,
                "page_size": size,
                "previous_page_uri": None,
                "start": 0,
                "uri": f"{uri}?PageSize={size}&Page=0",
            },
        )


#: How long the fake sleeps to simulate a call that times out: past twilio_settings' timeout.
SLOW = 2.5


def twilio_settings(fake: FakeTwilio, **extra) -> dict:
    """Config overrides that send through the real client to `fake`."""
    return {
        "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": fake.account_sid,
        "TWILIO_AUTH_TOKEN": fake.auth_token,
        "TWILIO_MESSAGING_SERVICE_SID": MESSAGING_SERVICE_SID,
        "TWILIO_API_BASE": fake.url,
        # Long enough that a loaded machine (a CI run beside a benchmark) does not time out an
        # ordinary answer; the tests that simulate a timeout make the fake sleep longer.
        "TWILIO_TIMEOUT": 2.0,
        "SMS_RATE_PER_SECOND": 1000,
        "SMS_BACKOFF_BASE_SECONDS": 30,
        "SMS_BACKOFF_CAP_SECONDS": 600,
        "SMS_MAX_ATTEMPTS": 4,
        # The fake accepts at once unless told otherwise: a grace shorter than the backoffs
        # keeps the tests' retry schedule readable (production's default is 600 s).
        "SMS_LATE_ACCEPT_GRACE_SECONDS": 45,
        **extra,
    }


def make_app(database_url: str, tmp_path, **overrides):
    """An app like the `app` fixture's, with SMS settings of the test's choosing."""
    from app import create_app
    from config import TestingConfig

    return create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        UPLOAD_FOLDER=str(tmp_path / "uploads"),
        **overrides,
    )
