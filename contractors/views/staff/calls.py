"""Pool calls for staff: the list, a call's draft, and its timeline with the steps allowed now."""

from __future__ import annotations

from flask import abort, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from app import clock, once
from app.auth.guards import roles_required
from app.auth.roles import OFFICE_ROLES, PANEL_ROLES
from app.errors import DomainError
from app.forms import error_onto
from app.offices import queries as offices
from app.offices import scope
from app.workdays import TZ
from contractors import queries, rules, services
from contractors.forms.staff import (
    ConfirmForm,
    ConfirmSettleForm,
    EntropyForm,
    MeetingForm,
    call_form,
)
from contractors.views.staff import bp
from contractors.views.staff._pages import (
    _call_or_404,
    _render,
    _timeline_url,
)
from lottery import rules as draw_rules


def _digest(cc) -> str:
    """The fingerprint of the qualified list as settle_category freezes it (sorted codes)."""
    return draw_rules.candidates_digest(draw_rules.sorted_candidates(queries.qualified(cc)))


# ---- the calls ----------------------------------------------------------------------------------


@bp.route("/")
@roles_required(*PANEL_ROLES)
def index():
    rows = []
    for call in queries.calls(current_user):
        steps = queries.timeline(call.id)
        rows.append((call, queries.state_of(call), rules.next_step(steps)))
    return _render("contractors/staff/index.html", rows=rows, districts=queries.districts_by_id())


def _districts():
    """The districts an account chooses from when drafting (only one bound to no district)."""
    return offices.districts() if scope.scope_ids(current_user) is None else None


def _call_input(form) -> services.CallInput:
    office = getattr(form, "office", None)
    return services.CallInput(
        office_id=int(office.data) if office is not None and office.data else None,
        title=form.title.data or "",
        valid_from=form.valid_from.data,
        valid_until=form.valid_until.data,
        categories=form.quotas(),
        requirements=form.requirements.data or "",
        publicity_days=form.publicity_days.data,
        meeting_place=form.meeting_place.data or "",
    )


@bp.route("/calls/new", methods=["GET", "POST"])
@roles_required(*OFFICE_ROLES)
def new_call():
    form = call_form(queries.categories(), _districts(), new=True)
    if form.validate_on_submit():
        try:
            call = services.create_call(_call_input(form), actor=current_user, token=form.once.data)
        except once.AlreadySubmitted as e:
            return once.already(e, _timeline_url(int(e.ref)))
        except DomainError as e:
            error_onto(form, e)
        else:
            flash(_("征集草稿已保存，请送部门会商"), "success")
            return redirect(_timeline_url(call.id))
    return _render(
        "contractors/staff/call_edit.html", 400 if form.errors else 200, form=form, call=None
    )


@bp.route("/calls/<int:call_id>/edit", methods=["GET", "POST"])
@roles_required(*OFFICE_ROLES)
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
            error_onto(form, e)
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
        reason_labels=queries.reason_labels(shown=True),
    )


@bp.route("/calls/<int:call_id>")
@roles_required(*OFFICE_ROLES)
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
        error_onto(None, e)
    else:
        flash(success, "success")
    return redirect(_timeline_url(call_id, anchor))


@bp.route("/calls/<int:call_id>/publish", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def publish_call(call_id: int):
    return _step_post(
        call_id, services.publish_call, _("征集公告已发布，开始接受申请"), "step-call"
    )


@bp.route("/calls/<int:call_id>/review-results", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def publish_review_results(call_id: int):
    return _step_post(
        call_id,
        services.publish_review_results,
        _("资格审查结果公示已发布，摇号种子承诺已公布"),
        "step-review_result",
    )


@bp.route("/calls/<int:call_id>/roster-publicity", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def publish_roster_publicity(call_id: int):
    return _step_post(
        call_id,
        services.publish_roster_publicity,
        _("入围企业名录公示已发布"),
        "step-roster_publicity",
    )


@bp.route("/calls/<int:call_id>/roster", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def publish_roster(call_id: int):
    return _step_post(
        call_id, services.publish_roster, _("入围企业名单已发布，名录库生效"), "step-roster"
    )


@bp.route("/calls/<int:call_id>/meeting", methods=["POST"])
@roles_required(*OFFICE_ROLES)
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
            error_onto(form, e)
        else:
            flash(_("摇号会议时间地点已确定"), "success")
            return redirect(_timeline_url(call_id, "step-review_result"))
    return _timeline(call, 400, meeting_form=form)
