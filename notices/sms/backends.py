"""SMS backends behind one small interface: `console` (logs; the embedded default) and `twilio`
(the real `twilio` client, pointed at TWILIO_API_BASE through its http_client).

The twilio client and `requests` are imported when a twilio backend is built (issue 14): they
weigh ~5 MB in every process, and only the process that sends (the scheduler's) uses them.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from notices.sms import rules

log = logging.getLogger("smallworks.sms")

TWILIO_BASE = "https://api.twilio.com"


class SendFailed(Exception):
    """A provider call failed; `error.kind` says whether to retry, reconcile first, or give up."""

    def __init__(self, error: rules.ErrorClass, code: str | None, detail: str = ""):
        super().__init__(f"{error.kind}: {error.reason} {detail}".strip())
        self.error = error
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Found:
    provider_id: str
    status: str


class Backend(Protocol):
    name: str
    #: Whether the provider reports delivery (a receipt per message): without receipts a sent
    #: message stays "sent", and pages say so instead of counting "0 confirmed".
    receipts: bool
    #: Whether calls to it are paced at SMS_RATE_PER_SECOND: a provider's API limits its rate;
    #: the console, which calls nobody, sends at once.
    paced: bool

    def send(self, to: str, body: str, *, callback_url: str | None) -> str:
        """Hand one message to the provider; its id, or SendFailed."""

    def find(self, to: str, body: str, since: datetime) -> list[Found]:
        """Messages with this text sent to `to` since `since` (UTC) that the provider holds."""


class ConsoleBackend:
    """Logs the message and calls it sent: the embedded default needs no account (DESIGN.md)."""

    name = "console"
    receipts = False  # nothing reaches a phone, so nothing can be confirmed
    paced = False  # no provider to spare: the demo's 54 messages took 5 s of sleeping

    def send(self, to: str, body: str, *, callback_url: str | None) -> str:
        provider_id = "console-" + uuid.uuid4().hex
        log.info("SMS to %s (%d parts): %s", rules.mask_mobile(to), rules.segments(body), body)
        return provider_id

    def find(self, to: str, body: str, since: datetime) -> list[Found]:
        return []  # nothing leaves the process, so nothing can be half-sent


def rebased_http_client(base_url: str, timeout: float):
    """Twilio's own HTTP client, with https://api.twilio.com rewritten to another base (a staging
    gateway, or the tests' fake server). Everything else — auth, encoding, errors — stays real."""
    from twilio.http.http_client import TwilioHttpClient

    class RebasedHttpClient(TwilioHttpClient):
        def request(self, method, url, *args, **kwargs):
            if url.startswith(TWILIO_BASE) and self.base_url != TWILIO_BASE:
                url = self.base_url + url[len(TWILIO_BASE) :]
            return super().request(method, url, *args, **kwargs)

    client = RebasedHttpClient(timeout=timeout)
    client.base_url = base_url.rstrip("/")
    return client


class TwilioBackend:
    """Messages.create with a Messaging Service SID or a From number, and a status callback."""

    name = "twilio"
    receipts = True  # the signed status callback (notices.sms.views.status)
    paced = True

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        messaging_service_sid: str | None = None,
        from_number: str | None = None,
        api_base: str = TWILIO_BASE,
        timeout: float = 10.0,
    ):
        self.messaging_service_sid = messaging_service_sid or None
        self.from_number = from_number or None
        from twilio.rest import Client

        self.client = Client(
            account_sid, auth_token, http_client=rebased_http_client(api_base, timeout)
        )

    def send(self, to: str, body: str, *, callback_url: str | None) -> str:
        import requests
        from twilio.base.exceptions import TwilioRestException

        kwargs: dict = {"to": to, "body": body}
        if self.messaging_service_sid:
            kwargs["messaging_service_sid"] = self.messaging_service_sid
        else:
            kwargs["from_"] = self.from_number
        if callback_url:
            kwargs["status_callback"] = callback_url
        try:
            return self.client.messages.create(**kwargs).sid
        except TwilioRestException as e:
            code = e.code if isinstance(e.code, int) and e.code != e.status else None
            raise SendFailed(rules.classify(e.status, code), str(code or e.status), e.msg) from e
        except requests.Timeout as e:
            raise SendFailed(rules.classify(None, None, timed_out=True), "timeout") from e
        except requests.RequestException as e:
            raise SendFailed(rules.classify(None, None, timed_out=True), "connection") from e

    def find(self, to: str, body: str, since: datetime) -> list[Found]:
        """Twilio has no idempotency key: look the message up by recipient and time window."""
        import requests
        from twilio.base.exceptions import TwilioRestException

        try:
            found = self.client.messages.list(to=to, date_sent_after=since, limit=50)
        except TwilioRestException as e:
            code = e.code if isinstance(e.code, int) and e.code != e.status else None
            raise SendFailed(rules.classify(e.status, code), str(code or e.status), e.msg) from e
        except requests.RequestException as e:
            raise SendFailed(rules.classify(None, None, timed_out=True), "lookup") from e
        return [
            Found(m.sid, m.status)
            for m in found
            if m.body == body and (m.date_created is None or m.date_created >= since)
        ]


#: SMS_BACKEND → its class (config.check_sms refuses any other name).
BACKENDS: dict[str, type] = {"console": ConsoleBackend, "twilio": TwilioBackend}


def gives_receipts(config) -> bool:
    """Whether the configured backend reports delivery, without building it (no credentials)."""
    return BACKENDS.get(config.get("SMS_BACKEND", "console"), ConsoleBackend).receipts


def backend_from_config(config) -> Backend:
    name = config.get("SMS_BACKEND", "console")
    if name == "twilio":
        return TwilioBackend(
            config["TWILIO_ACCOUNT_SID"],
            config["TWILIO_AUTH_TOKEN"],
            messaging_service_sid=config.get("TWILIO_MESSAGING_SERVICE_SID"),
            from_number=config.get("TWILIO_FROM"),
            api_base=config.get("TWILIO_API_BASE") or TWILIO_BASE,
            timeout=float(config.get("TWILIO_TIMEOUT", 10)),
        )
    return ConsoleBackend()
