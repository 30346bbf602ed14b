"""Staff record where the printed trading notice was posted (信息公开栏), with an optional photo."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock, once
from app.auth.guards import roles_required
from app.auth.roles import OFFICE_ROLES
from app.errors import DomainError
from app.forms import error_onto
from contracts import queries
from contracts.forms.trading import PostingForm
from contracts.services.posting import postings_of, record_posting
from contracts.views.staff import bp
from contracts.views.staff_common import (
    _project_or_404,
    _render,
)

# ---- the bulletin-board posting --------------------------------------------------------------------


def _posting_page(p, t, form, status=200):
    return _render(
        "contracts/staff/trading_posting.html",
        p,
        status,
        trading=t,
        form=form,
        postings=postings_of(t),
    )


@bp.route("/<code>/posting", methods=["GET", "POST"])
@roles_required(*OFFICE_ROLES)
def posting(code: str):
    """The boards where the printed notice was posted, and the form to record one more."""
    p = _project_or_404(code)
    t = queries.latest_trading(p)
    if request.method == "GET":
        moment = clock.local(clock.now()).replace(second=0, microsecond=0, tzinfo=None)
        form = PostingForm(formdata=None, data={"posted_at": moment})
        return _posting_page(p, t, form)
    form = PostingForm()
    if t is None:
        flash(_("该项目尚未发布交易公告"), "error")
        return _posting_page(p, t, form, 409)
    if not form.validate_on_submit():
        return _posting_page(p, t, form, 400)
    upload = form.photo.data
    has_file = upload is not None and getattr(upload, "filename", "")
    try:
        record_posting(
            code,
            form.posted_by.data,
            form.posted_moment(),
            form.place.data,
            upload.stream if has_file else None,
            upload.filename if has_file else None,
            actor=current_user,
            token=form.once.data,
        )
    except once.AlreadySubmitted as e:
        return once.already(e, url_for(".posting", code=code))
    except DomainError as e:
        error_onto(form, e, summary=True)
        return _posting_page(p, t, form, 400)
    flash(_("张贴情况已记录"), "success")
    return redirect(url_for(".posting", code=code))
