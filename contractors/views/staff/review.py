"""The review panel's pages: consultation (会商), review decisions (资格审查) and objections (异议)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.guards import roles_required
from app.auth.roles import OFFICE_ROLES, PANEL_ROLES
from app.errors import DomainError
from app.forms import error_onto
from app.i18n import loc
from app.urls import record_id
from contractors import queries, rules, services
from contractors.forms.staff import (
    AnswerForm,
    ConsultForm,
    DecisionForm,
    RosterAnswerForm,
)
from contractors.views.staff import bp
from contractors.views.staff._pages import (
    _call_or_404,
    _render,
)

# ---- consultation (reviewers) --------------------------------------------------------------------


@bp.route("/calls/<int:call_id>/consult", methods=["GET", "POST"])
@roles_required("reviewer")
def consult(call_id: int):
    call = _call_or_404(call_id)
    form = ConsultForm()
    if form.validate_on_submit():
        try:
            services.record_consultation(
                call_id, form.opinion.data, form.agrees.data == "yes", actor=current_user
            )
        except DomainError as e:
            error_onto(form, e)
        else:
            flash(_("会商意见已记录"), "success")
            return redirect(url_for(".consult", call_id=call_id))
    return _render(
        "contractors/staff/consult.html",
        400 if form.errors else 200,
        call=call,
        form=form,
        problem=rules.consultation_problem(queries.opinions(call), call.revision),
    )


# ---- the review panel ----------------------------------------------------------------------------


def _review_panel(call, status: int = 200, forms=None):
    forms = forms or {}
    reasons = queries.fail_reasons()
    rows = []
    for e in queries.entries_of(call.id):
        form = forms.get(e.id) or DecisionForm(
            formdata=None,
            prefix=f"e{e.id}",
            data={
                "decision": e.decision,
                "reason_code": e.reason_code or "",
                "reason_text": e.reason_text,
            },
        )
        docs = [
            d
            for d in e.application.contractor.documents
            if d.id in (e.application.document_ids or [])
        ]
        rows.append({"entry": e, "form": form.set_reasons(reasons), "documents": docs})
    state = queries.state_of(call)
    return _render(
        "contractors/staff/review.html",
        status,
        call=call,
        state=state,
        rows=rows,
        can_decide=state == rules.CallState.REVIEW,
        decided=sum(1 for r in rows if r["entry"].decision),
        reason_labels={r.code: loc(r.label, r.label_en or r.label) for r in reasons},
        document_kinds=rules.DOCUMENT_KINDS,
    )


@bp.route("/calls/<int:call_id>/review")
@roles_required(*PANEL_ROLES)
def review(call_id: int):
    return _review_panel(_call_or_404(call_id))


@bp.route("/entries/<int:entry_id>/decision", methods=["POST"])
@roles_required(*PANEL_ROLES)
def decide(entry_id: int):
    call = _call_or_404(request.form.get("call_id", type=record_id) or 0)
    if not any(e.id == entry_id for e in queries.entries_of(call.id)):
        abort(404)
    form = DecisionForm(prefix=f"e{entry_id}").set_reasons(queries.fail_reasons())
    if form.validate_on_submit():
        try:
            services.record_decision(
                entry_id,
                form.decision.data,
                form.reason_code.data or None,
                form.reason_text.data or "",
                actor=current_user,
            )
        except DomainError as e:
            error_onto(form, e)
        else:
            flash(_("审查结论已记录"), "success")
            return redirect(url_for(".review", call_id=call.id, _anchor=f"entry-{entry_id}"))
    return _review_panel(call, 400, forms={entry_id: form})


# ---- objections ----------------------------------------------------------------------------------


def _objections(call, status: int = 200, forms=None, roster_forms=None):
    forms = forms or {}
    roster_forms = roster_forms or {}
    reasons = queries.fail_reasons()
    rows = [
        {
            "o": o,
            "form": (forms.get(o.id) or AnswerForm(formdata=None, prefix=f"o{o.id}")).set_reasons(
                reasons
            ),
        }
        for o in queries.objections_of(call.id)
    ]
    return _render(
        "contractors/staff/objections.html",
        status,
        call=call,
        rows=rows,
        roster_rows=[
            {
                "o": o,
                "form": roster_forms.get(o.id)
                or RosterAnswerForm(formdata=None, prefix=f"r{o.id}"),
            }
            for o in queries.roster_objections_of(call.id)
        ],
        reason_labels={r.code: loc(r.label, r.label_en or r.label) for r in reasons},
    )


@bp.route("/calls/<int:call_id>/objections")
@roles_required(*OFFICE_ROLES)
def objections(call_id: int):
    return _objections(_call_or_404(call_id))


@bp.route("/objections/<int:objection_id>/answer", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def answer(objection_id: int):
    call = _call_or_404(request.form.get("call_id", type=record_id) or 0)
    if not any(o.id == objection_id for o in queries.objections_of(call.id)):
        abort(404)
    form = AnswerForm(prefix=f"o{objection_id}").set_reasons(queries.fail_reasons())
    if form.validate_on_submit():
        try:
            services.answer_objection(
                objection_id,
                form.answer.data,
                form.upheld.data == "yes",
                reason_code=form.reason_code.data or None,
                reason_text=form.reason_text.data or "",
                actor=current_user,
            )
        except DomainError as e:
            error_onto(form, e)
        else:
            flash(_("异议已答复"), "success")
            return redirect(url_for(".objections", call_id=call.id))
    return _objections(call, 400, forms={objection_id: form})


@bp.route("/objections/<int:objection_id>/roster-answer", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def roster_answer(objection_id: int):
    """The answer to an objection made during the roster publicity (public on the call page)."""
    call = _call_or_404(request.form.get("call_id", type=record_id) or 0)
    if not any(o.id == objection_id for o in queries.roster_objections_of(call.id)):
        abort(404)
    form = RosterAnswerForm(prefix=f"r{objection_id}")
    if form.validate_on_submit():
        try:
            services.answer_roster_objection(
                objection_id, form.upheld.data == "yes", form.answer.data, actor=current_user
            )
        except DomainError as e:
            error_onto(form, e)
        else:
            flash(_("异议已答复"), "success")
            return redirect(url_for(".objections", call_id=call.id))
    return _objections(call, 400, roster_forms={objection_id: form})
