"""The pool's lottery meeting, per category: entropy → review → settle (lottery.meeting)."""

from __future__ import annotations

from flask import abort, flash, redirect
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.guards import roles_required
from app.auth.roles import OFFICE_ROLES
from app.i18n import loc
from contractors import queries, services
from contractors.forms.staff import (
    ConfirmSettleForm,
    EntropyForm,
)
from contractors.views.staff import bp
from contractors.views.staff._pages import (
    _call_or_404,
    _render,
    _timeline_url,
)
from contractors.views.staff.calls import _digest, _timeline
from lottery import meeting as meeting_flow
from lottery import rules as draw_rules


def _step(steps, key: str):
    return next((s for s in steps if s.key == key), None)


def _category(call, code: str):
    cc = next((c for c in call.categories if c.category.code == code), None)
    if cc is None:
        abort(404)
    return cc


@bp.route("/calls/<int:call_id>/categories/<code>/settle", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def settle_review(call_id: int, code: str):
    """Step 1 → 2: the entries typed at the meeting are shown back (and on the meeting screen)."""
    call = _call_or_404(call_id)
    cc = _category(call, code)

    def not_now():
        meeting = _step(queries.timeline(call_id), "meeting")
        if meeting is not None and meeting.state == "now" and cc.outcome is None:
            return None
        if cc.outcome is not None:
            flash(_("类别“%(name)s”已经确定", name=cc.category.name), "error")
        elif meeting and meeting.note:
            flash(loc(meeting.note, meeting.note_en), "error")
        elif meeting and meeting.earliest:
            flash(_("摇号会议最早%(d)s举行，现在不能摇号", d=meeting.earliest.isoformat()), "error")
        else:
            flash(_("现在不能摇号"), "error")
        return redirect(_timeline_url(call_id, "step-meeting"))

    def review(entries):
        qualified = queries.qualified(cc)
        confirm = ConfirmSettleForm(
            formdata=None, data={"entropy": entries, "candidates_digest": _digest(cc)}
        )
        return _render(
            "contractors/staff/settle_review.html",
            call=call,
            cc=cc,
            entries=entries,
            candidates=draw_rules.sorted_candidates(qualified),
            labels=qualified,
            form=confirm,
        )

    return meeting_flow.entries_step(
        EntropyForm(prefix=f"c{code}"),
        page=lambda form, status: _timeline(call, status, entropy_forms={code: form}),
        guard=not_now,
        show=lambda entries: services.show_category_entropy(
            call_id, code, entries, actor=current_user
        ),
        review=review,
    )


@bp.route("/calls/<int:call_id>/categories/<code>/settle/confirm", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def settle_confirm(call_id: int, code: str):
    """Step 2 → done: settle the category with exactly the reviewed entries and qualified list."""
    _category(_call_or_404(call_id), code)

    def done(settled):
        if settled.is_drawn:
            flash(_("“%(name)s”摇号完成，结果已公布", name=settled.category.name), "success")
        else:
            flash(
                _("“%(name)s”合格申请人未超过入围数量，全部入围", name=settled.category.name),
                "success",
            )
        return redirect(_timeline_url(call_id, "step-meeting"))

    return meeting_flow.confirm_step(
        ConfirmSettleForm(),
        confirm=lambda entropy, reviewed: services.settle_category(
            call_id, code, entropy, reviewed=reviewed, actor=current_user
        ),
        done=done,
        back=_timeline_url(call_id, "step-meeting"),
    )
