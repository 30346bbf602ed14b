"""SMS pages: Twilio's signed status callback, and the staff view of a notice's messages."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.guards import roles_required
from app.auth.roles import OFFICE_ROLES
from app.extensions import csrf, db
from app.offices.scope import covers
from app.urls import public_base_url, record_id
from notices.forms import ConfirmForm
from notices.models import Notice
from notices.sms import backends, queries, rules, services
from notices.sms.errors import SmsError, SmsForbidden

log = logging.getLogger("smallworks.sms")

bp = Blueprint("sms", __name__, url_prefix="/sms")
staff_bp = Blueprint("sms_staff", __name__, url_prefix="/staff/notices")


STATUS_LABELS = {
    "queued": _l("待发送"),
    "sending": _l("发送中"),
    "sent": _l("已发出"),
    "delivered": _l("已送达"),
    "failed": _l("发送失败"),
    "undeliverable": _l("无法送达"),
}


@bp.record_once
def _setup(state) -> None:
    app = state.app
    # A global, not a context processor: imported macros and partials see globals.
    app.jinja_env.globals["sms_proof"] = lambda notice: queries.proof(getattr(notice, "id", None))
    app.jinja_env.globals["mask_mobile"] = rules.mask_mobile
    app.jinja_env.globals["sms_status_label"] = lambda s: str(STATUS_LABELS.get(s, s))
    # Whether delivery can be confirmed at all (the console backend reports none).
    app.jinja_env.globals["sms_receipts"] = lambda: backends.gives_receipts(current_app.config)


def _signed_url_candidates() -> list[str]:
    """The URL Twilio signed: the public address we gave it (behind a proxy request.url differs)."""
    query = request.query_string.decode("latin-1")
    public = public_base_url() + request.path
    public += f"?{query}" if query else ""
    configured = current_app.config.get("SMS_STATUS_CALLBACK_URL")
    if configured:
        configured += f"?{query}" if query else ""
    return [u for u in (configured, public, request.url) if u]


@bp.route("/status", methods=["POST"])
@csrf.exempt  # signed by Twilio instead (DESIGN.md, Security defaults: CSRF everywhere but signed webhooks)
def status():
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    signature = request.headers.get("X-Twilio-Signature", "")
    params = request.form.to_dict()
    if not token or not signature:
        abort(403)
    from twilio.request_validator import RequestValidator  # only here: ~5 MB a process

    validator = RequestValidator(token)
    if not any(validator.validate(u, params, signature) for u in _signed_url_candidates()):
        log.warning("sms status callback with a bad signature from %s", request.remote_addr)
        abort(403)
    sid = params.get("MessageSid") or params.get("SmsSid") or ""
    reported = params.get("MessageStatus") or params.get("SmsStatus") or ""
    ours = request.args.get("m", type=record_id)
    if not sid or not services.apply_receipt(sid, reported, params.get("ErrorCode"), ours):
        log.info("sms status callback changed nothing: sid=%s status=%s m=%s", sid, reported, ours)
    # Twilio only needs a 2xx; an unknown id is logged, not an error worth its retries.
    return "", 200


#: Read by the route × role test: admitted by its signature, not by a role or a CSRF token.
status.signed_webhook = True


def _notice_or_403(notice_id: int) -> Notice:
    """The notice whose messages staff read: 404 unknown, 403 another office's."""
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        abort(404)
    if not covers(current_user, notice.office_id):
        abort(403)
    return notice


@staff_bp.route("/<int:notice_id>/sms")
@roles_required(*OFFICE_ROLES)
def notice_sms(notice_id: int):
    notice = _notice_or_403(notice_id)
    return render_template(
        "notices/sms.html",
        notice=notice,
        totals=queries.totals(notice_id),
        messages=queries.messages_of(notice_id),
        form=ConfirmForm(),
        resendable=rules.RESENDABLE,
    )


@staff_bp.route("/<int:notice_id>/sms/resend", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def resend_failed(notice_id: int):
    _notice_or_403(notice_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        n = services.resend_failed(notice_id, actor=current_user)
    except SmsForbidden:
        abort(403)
    except SmsError as e:
        flash(e.localized(), "error")
    else:
        flash(_("已重新排队 %(n)d 条短信", n=n), "success")
    return redirect(url_for("sms_staff.notice_sms", notice_id=notice_id))
