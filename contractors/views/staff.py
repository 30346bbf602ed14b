"""Staff and reviewer pool pages: the calls, a call's timeline with the steps allowed now, the
consultation (会商), the review panel (资格审查), objections (异议) and the lottery meeting."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.auth.guards import roles_required
from app.errors import DomainError, Forbidden, NotFound
from app.urls import record_id
from app.workdays import TZ
from contractors import queries, rules, services
from contractors.errors import PoolNotFound
from contractors.forms.staff import (
    AnswerForm,
    ConfirmForm,
    ConfirmSettleForm,
    ConsultForm,
    DecisionForm,
    EntropyForm,
    MeetingForm,
    call_form,
)
from lottery import meeting as meeting_flow
from lottery import rules as draw_rules

bp = Blueprint("pool_staff", __name__, url_prefix="/staff/pool")

STAFF = ("staff", "admin")
PANEL = ("staff", "admin", "reviewer")

STEP_STATES = {
    "done": ("已完成", "Done"),
    "now": ("可以进行", "Allowed now"),
    "waiting": ("等待中", "Waiting"),
    "blocked": ("受阻", "Blocked"),
    "later": ("尚未开始", "Later"),
}


# ---- helpers ----------------------------------------------------------------------------------


def _english() -> bool:
    locale = get_locale()
    return locale is not None and locale.language == "en"


def loc(zh: str, en: str) -> str:
    """Data-driven labels (steps, states) come in both languages; pick the request's."""
    return en if _english() else zh


def _render(template: str, status: int = 200, **ctx):
    return render_template(
        template,
        loc=loc,
        state_label=lambda s: loc(*rules.STATE_LABELS[s]),
        step_state_label=lambda s: loc(*STEP_STATES[s]),
        **ctx,
    ), status


def _call_or_404(call_id: int):
    try:
        return queries.get_call(call_id)
    except PoolNotFound:
        abort(404)


def _refuse(e: DomainError) -> None:
    """A refusal that belongs to no field: 403/404 for roles and unknown records, else a flash."""
    if isinstance(e, Forbidden):
        abort(403)
    if isinstance(e, NotFound):
        abort(404)
    flash(e.localized(), "error")


def _error_onto(form, e: DomainError) -> None:
    if isinstance(e, Forbidden | NotFound):
        _refuse(e)
    target = getattr(form, e.field, None) if e.field else None
    if target is not None:
        target.errors = [*target.errors, e.localized()]
    elif e.field:
        form.form_errors.append(e.localized())  # e.g. "categories": the quota inputs as a whole
    else:
        flash(e.localized(), "error")


def _timeline_url(call_id: int, anchor: str | None = None) -> str:
    return url_for(".timeline", call_id=call_id, _anchor=anchor)


def _step(steps, key: str):
    return next((s for s in steps if s.key == key), None)


def _digest(cc) -> str:
    """The fingerprint of the qualified list as settle_category freezes it (sorted codes)."""
    return draw_rules.candidates_digest(draw_rules.sorted_candidates(queries.qualified(cc)))


def _category(call, code: str):
    cc = next((c for c in call.categories if c.category.code == code), None)
    if cc is None:
        abort(404)
    return cc


# ---- the calls ----------------------------------------------------------------------------------


@bp.route("/")
@roles_required(*PANEL)
def index():
    rows = []
    for call in queries.calls():
        steps = queries.timeline(call.id)
        rows.append((call, queries.state_of(call), rules.next_step(steps)))
    return _render("contractors/staff/index.html", rows=rows)


def _call_input(form) -> services.CallInput:
    return services.CallInput(
        title=form.title.data or "",
        valid_from=form.valid_from.data,
        valid_until=form.valid_until.data,
        categories=form.quotas(),
        requirements=form.requirements.data or "",
        publicity_days=form.publicity_days.data,
        meeting_place=form.meeting_place.data or "",
    )


@bp.route("/calls/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_call():
    form = call_form(queries.categories())
    if form.validate_on_submit():
        try:
            call = services.create_call(_call_input(form), actor=current_user)
        except DomainError as e:
            _error_onto(form, e)
        else:
            flash(_("征集草稿已保存，请送部门会商"), "success")
            return redirect(_timeline_url(call.id))
    return _render(
        "contractors/staff/call_edit.html", 400 if form.errors else 200, form=form, call=None
    )


@bp.route("/calls/<int:call_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_call(call_id: int):
    call = _call_or_404(call_id)
    if call.call_notice_id is not None:
        flash(_("征集公告已发布，不能再修改；如需更正，请发布更正公告"), "error")
        return redirect(_timeline_url(call_id))
    categories = queries.categories()
    if request.method == "GET":
        form = call_form(categories, obj=call)
        for cc in call.categories:
            field = getattr(form, f"quota_{cc.category.code}", None)
            if field is not None:
                field.data = cc.quota
    else:
        form = call_form(categories)
    if form.validate_on_submit():
        try:
            services.update_call(call_id, _call_input(form), actor=current_user)
        except DomainError as e:
            _error_onto(form, e)
        else:
            flash(_("征集草稿已更新；文本已修改，须重新会商"), "success")
            return redirect(_timeline_url(call_id))
    return _render(
        "contractors/staff/call_edit.html", 400 if form.errors else 200, form=form, call=call
    )


# ---- the timeline ---------------------------------------------------------------------------------


def _timeline(call, status: int = 200, *, meeting_form=None, entropy_forms=None):
    steps = queries.timeline(call.id)
    categories = [
        {"cc": cc, "qualified": queries.qualified(cc), "selections": queries.selections(cc.id)}
        for cc in call.categories
    ]
    entropy_forms = entropy_forms or {}
    for row in categories:
        code = row["cc"].category.code
        row["entropy_form"] = entropy_forms.get(code) or EntropyForm(
            formdata=None, prefix=f"c{code}"
        )
        row["settle_form"] = ConfirmSettleForm(
            formdata=None, data={"entropy": [], "candidates_digest": _digest(row["cc"])}
        )
    if meeting_form is None:
        meeting_form = MeetingForm(
            formdata=None,
            data={
                "meeting_at": clock.local(call.meeting_at).replace(tzinfo=None)
                if call.meeting_at
                else None,
                "meeting_place": call.meeting_place,
            },
        )
    objections = queries.objections_of(call.id)
    return _render(
        "contractors/staff/timeline.html",
        status,
        call=call,
        state=queries.state_of(call),
        steps=steps,
        step={s.key: s for s in steps},
        next_step=rules.next_step(steps),
        consultation_problem=rules.consultation_problem(queries.opinions(call), call.revision),
        categories=categories,
        objections=objections,
        open_objections=sum(1 for o in objections if o.answered_at is None),
        meeting_form=meeting_form,
        confirm_form=ConfirmForm(formdata=None),
        reason_labels=queries.reason_labels(),
    )


@bp.route("/calls/<int:call_id>")
@roles_required(*STAFF)
def timeline(call_id: int):
    return _timeline(_call_or_404(call_id))


def _step_post(call_id: int, service, success: str, anchor: str):
    """A publish step: a CSRF-only button, one service call, its refusal as a flash."""
    _call_or_404(call_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        service(call_id, actor=current_user)
    except DomainError as e:
        _refuse(e)
    else:
        flash(success, "success")
    return redirect(_timeline_url(call_id, anchor))


@bp.route("/calls/<int:call_id>/publish", methods=["POST"])
@roles_required(*STAFF)
def publish_call(call_id: int):
    return _step_post(
        call_id, services.publish_call, _("征集公告已发布，开始接受申请"), "step-call"
    )


@bp.route("/calls/<int:call_id>/review-results", methods=["POST"])
@roles_required(*STAFF)
def publish_review_results(call_id: int):
    return _step_post(
        call_id,
        services.publish_review_results,
        _("资格审查结果公示已发布，摇号种子承诺已公布"),
        "step-review_result",
    )


@bp.route("/calls/<int:call_id>/roster-publicity", methods=["POST"])
@roles_required(*STAFF)
def publish_roster_publicity(call_id: int):
    return _step_post(
        call_id,
        services.publish_roster_publicity,
        _("入围企业名录公示已发布"),
        "step-roster_publicity",
    )


@bp.route("/calls/<int:call_id>/roster", methods=["POST"])
@roles_required(*STAFF)
def publish_roster(call_id: int):
    return _step_post(
        call_id, services.publish_roster, _("入围企业名单已发布，名录库生效"), "step-roster"
    )


@bp.route("/calls/<int:call_id>/meeting", methods=["POST"])
@roles_required(*STAFF)
def schedule_meeting(call_id: int):
    call = _call_or_404(call_id)
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            services.schedule_meeting(
                call_id,
                form.meeting_at.data.replace(tzinfo=TZ),
                form.meeting_place.data,
                actor=current_user,
            )
        except DomainError as e:
            _error_onto(form, e)
        else:
            flash(_("摇号会议时间地点已确定"), "success")
            return redirect(_timeline_url(call_id, "step-review_result"))
    return _timeline(call, 400, meeting_form=form)


# ---- the lottery meeting: entropy → review → confirm -------------------------------------------


@bp.route("/calls/<int:call_id>/categories/<code>/settle", methods=["POST"])
@roles_required(*STAFF)
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
@roles_required(*STAFF)
def settle_confirm(call_id: int, code: str):
    """Step 2 → done: settle the category with exactly the reviewed entries and qualified list."""
    _category(_call_or_404(call_id), code)

    def done(settled):
        if settled.outcome == "drawn":
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
            _error_onto(form, e)
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
        reason_labels={r.code: r.label for r in reasons},
        document_kinds=rules.DOCUMENT_KINDS,
    )


@bp.route("/calls/<int:call_id>/review")
@roles_required(*PANEL)
def review(call_id: int):
    return _review_panel(_call_or_404(call_id))


@bp.route("/entries/<int:entry_id>/decision", methods=["POST"])
@roles_required(*PANEL)
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
            _error_onto(form, e)
        else:
            flash(_("审查结论已记录"), "success")
            return redirect(url_for(".review", call_id=call.id, _anchor=f"entry-{entry_id}"))
    return _review_panel(call, 400, forms={entry_id: form})


# ---- objections ----------------------------------------------------------------------------------


def _objections(call, status: int = 200, forms=None):
    forms = forms or {}
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
        reason_labels={r.code: r.label for r in reasons},
    )


@bp.route("/calls/<int:call_id>/objections")
@roles_required(*STAFF)
def objections(call_id: int):
    return _objections(_call_or_404(call_id))


@bp.route("/objections/<int:objection_id>/answer", methods=["POST"])
@roles_required(*STAFF)
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
            _error_onto(form, e)
        else:
            flash(_("异议已答复"), "success")
            return redirect(url_for(".objections", call_id=call.id))
    return _objections(call, 400, forms={objection_id: form})


# ---- registrations to check (核验) ---------------------------------------------------------------


@bp.route("/registrations/")
@roles_required(*STAFF)
def registrations():
    """Sign-ups staff have not checked yet: a company without an application is not public until
    checked (contractors.rules.is_publicly_listed)."""
    return _render(
        "contractors/staff/registrations.html",
        rows=queries.unchecked_registrations(),
        listing_label=lambda state: loc(*rules.LISTING_LABELS[state]),
        listings=rules.Listing,
        document_kinds=rules.DOCUMENT_KINDS,
        confirm_form=ConfirmForm(),
    )


@bp.route("/registrations/<int:contractor_id>/check", methods=["POST"])
@roles_required(*STAFF)
def check_registration(contractor_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        c = services.check_registration(contractor_id, actor=current_user)
    except DomainError as e:
        _refuse(e)
    else:
        flash(_("已核验通过：%(name)s，企业信息现已公开", name=c.name), "success")
    return redirect(url_for(".registrations"))
