"""Once-only create forms: a token issued with the form, claimed in the transaction that creates.

A form that makes a new row (a notice or guide draft, a project, a pool call, a complaint, an
uploaded attachment) has no natural key that a second post of it would collide with: posted twice
— a double click, a browser's retry, twenty requests at once — it made as many rows. So each such
form carries a token, signed with the app's secret: its kind, the account it was issued to and a
random nonce (`issue`). The service that creates calls `claim` first, in its own transaction: the
nonce goes into `form_submissions`, whose UNIQUE constraint the database holds however many
workers race. The first post claims it and records what it made (`fulfil`); a later one finds the
claim and is refused with `AlreadySubmitted`, carrying the first one's reference, and its
transaction rolls back — nothing of it is written. On PostgreSQL the second INSERT waits for the
first transaction and then does nothing (ON CONFLICT DO NOTHING); if the first rolled back, the
second claims the nonce itself.

A token that is absent, altered, issued for another form or to another account is refused with
`SubmissionRefused` (views answer 400), before and again inside the service. Callers that are not
pages (the demo, the CLI, tests of the services) pass no token (None) and claim nothing.

A token lives `MAX_AGE` from its issue (on `app.clock`); an older one is refused like an altered
one, and the form is shown again with what was typed and a fresh token. That bounds the table:
a claim older than `MAX_AGE` can only be of a token that is refused anyway, so the scheduler's
`prune_tick` deletes such claims (`prune`), and `form_submissions` holds about a day of posts.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import Flask, current_app, flash, redirect
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import String, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.exceptions import BadRequest

from app import clock
from app.errors import DomainError
from app.extensions import db
from app.keys import signing_keys
from app.types import UTCDateTime

_SALT = "smallworks.once-only-form"

#: How long a form's token may wait before it is posted: far longer than any form stays open
#: (the CSRF token lasts 4 hours, WTF_CSRF_TIME_LIMIT), and the claims' retention.
MAX_AGE = timedelta(hours=24)

#: How often the scheduler prunes the claims older than MAX_AGE.
PRUNE_SECONDS = 3600.0


class FormSubmission(db.Model):
    """One claimed form token: the nonce is unique, so a form creates at most once."""

    __tablename__ = "form_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The token's random part (its signature is checked, not stored).
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    #: Which form ("notice", "guide", "project", …).
    kind: Mapped[str] = mapped_column(String(40))
    #: What the first post made: an id or a code, for the redirect of a later post.
    ref: Mapped[str | None] = mapped_column(String(80))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SubmissionRefused(DomainError):
    """The form's token is absent, altered, or was issued for another form or account."""


class AlreadySubmitted(DomainError):
    """This form was posted before: `ref` names what that post created."""

    def __init__(self, ref: str | None):
        super().__init__(
            "该表单已经提交过，没有重复创建",
            "This form was already submitted; nothing was created twice",
        )
        self.ref = ref


def _refused() -> SubmissionRefused:
    return SubmissionRefused(
        "表单凭证缺失或无效，未作任何更改；请使用本页重新提交",
        "The form's token is missing or invalid; nothing was changed. Submit the form on this "
        "page again",
        field="once",
    )


def _expired() -> SubmissionRefused:
    return SubmissionRefused(
        "表单打开已超过24小时，凭证已失效，未作任何更改；请核对本页内容后再次提交",
        "The form was opened more than 24 hours ago and its token has expired; nothing was "
        "changed. Check this page and submit it again",
        field="once",
    )


def _serializer() -> URLSafeSerializer:
    # Signed with SECRET_KEY; one signed with a fallback key still verifies (app.keys).
    return URLSafeSerializer(signing_keys(current_app.config), salt=_SALT)


def _actor_id(actor) -> int | None:
    return getattr(actor, "id", None)


def issue(kind: str, actor) -> str:
    """A fresh token for one form of `kind`, shown to `actor`, stamped with the clock's now."""
    issued = int(clock.now().timestamp())
    return _serializer().dumps([kind, _actor_id(actor), secrets.token_urlsafe(24), issued])


def check(token: str | None, kind: str, actor) -> str:
    """The nonce of a token issued by this site for this form and account within MAX_AGE, else
    SubmissionRefused."""
    try:
        got_kind, actor_id, nonce, issued = _serializer().loads(token or "")
    except (BadSignature, TypeError, ValueError):
        raise _refused() from None
    if got_kind != kind or actor_id != _actor_id(actor) or not isinstance(nonce, str):
        raise _refused()
    if not isinstance(issued, int) or issued < (clock.now() - MAX_AGE).timestamp():
        raise _expired()
    return nonce


def claim(token: str | None, kind: str, actor) -> FormSubmission | None:
    """Claim the form's token in the caller's transaction (call it before creating anything).
    None for a caller that is not a form (no token); AlreadySubmitted if it was claimed before."""
    if token is None:
        return None
    nonce = check(token, kind, actor)
    values = {"nonce": nonce, "kind": kind, "claimed_at": clock.now()}
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    claimed = db.session.execute(
        insert(FormSubmission)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["nonce"])
        .returning(FormSubmission.id)
    ).scalar()
    if claimed is None:
        raise AlreadySubmitted(
            db.session.scalar(select(FormSubmission.ref).where(FormSubmission.nonce == nonce))
        )
    return db.session.get(FormSubmission, claimed)


def fulfil(submission: FormSubmission | None, ref) -> None:
    """Record what the claiming post made (an id or a code), in the same transaction."""
    if submission is not None:
        submission.ref = str(ref)


def prune() -> int:
    """Delete the claims older than MAX_AGE (their tokens are refused as expired) in one
    transaction; the number deleted."""
    cutoff = clock.now() - MAX_AGE
    deleted = db.session.execute(delete(FormSubmission).where(FormSubmission.claimed_at < cutoff))
    db.session.commit()
    return deleted.rowcount


def prune_tick(app: Flask) -> None:
    """The scheduler's tick (app.scheduler registers it)."""
    with app.app_context():
        try:
            prune()
        finally:
            db.session.remove()


def already(error: AlreadySubmitted, url: str):
    """A view's answer to a repeated post: the first post's object, with a flash saying so."""
    flash(_("该表单已经提交过，下面是第一次提交的结果；没有重复创建。"), "info")
    return redirect(url)


def abort_for_token(form) -> None:
    """A form without a page of its own (an upload on a detail page) whose token was refused:
    the 400 page, saying why (its `detail`). Otherwise nothing."""
    field = getattr(form, "once", None)
    if field is not None and field.errors:
        refusal = BadRequest()
        refusal.detail = field.errors[0]
        raise refusal
