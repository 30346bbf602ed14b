"""Pages of policies and guides: the public list by kind and the detail, the blank forms, and the
staff's write → preview → publish → withdraw pages."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app import clock, once
from app.auth.guards import roles_required
from app.auth.roles import OFFICE_ROLES
from app.forms import error_onto
from app.i18n import label
from app.keyset import cursor_arg
from app.offices import queries as offices
from app.offices.queries import office_filter
from app.offices.scope import covers
from app.storage import send_stored
from notices.guides import blanks, queries, rules, services
from notices.guides.errors import GuideError, GuideForbidden, GuideNotFound
from notices.guides.forms import (
    AttachmentForm,
    ConfirmForm,
    DeleteDraftForm,
    GuideForm,
    NewGuideForm,
    PublishForm,
    WithdrawForm,
)

bp = Blueprint("guides", __name__, url_prefix="/guides")
staff_bp = Blueprint("guides_staff", __name__, url_prefix="/staff/guides")

#: Documents per page of the public list.
PER_PAGE = 20


@bp.record_once
def _template_globals(state) -> None:
    env = state.app.jinja_env.globals
    env["guide_kinds"] = rules.KINDS
    # The kinds' English names are the rules' own (统一表式 is "Standard forms" here).
    env["guide_kind"] = lambda code: label((rules.KINDS[code].label, rules.KINDS[code].label_en))
    env["guide_state"] = lambda g: label(rules.state_label(g.kind, g.state))
    env["guide_in_force"] = lambda g: rules.in_force(g.state, g.effective_on, clock.today())


def _or_404(fn, *args):
    try:
        return fn(*args)
    except GuideNotFound:
        abort(404)


# ---- public ---------------------------------------------------------------------------------


@bp.route("/")
def index():
    kind = request.args.get("kind", "policy")
    if kind not in rules.KINDS:
        abort(404)
    office = office_filter(request.args.get("office"))
    pagination = queries.published_page(kind, cursor_arg(), PER_PAGE, office.ids)
    return render_template(
        "notices/guides/index.html",
        kind=kind,
        pagination=pagination,
        office_filter=office,
        # The forms the platform generates head the 统一表式 section (every office uses them).
        blank_forms=blanks.blank_forms() if kind == "form" else [],
        label=label,
    )


@bp.route("/<int:guide_id>")
def detail(guide_id: int):
    return render_template(
        "notices/guides/detail.html", guide=_or_404(queries.get_public, guide_id), preview=False
    )


@bp.route("/<int:guide_id>/files/<int:attachment_id>")
def attachment(guide_id: int, attachment_id: int):
    return _send(_or_404(queries.get_public, guide_id), attachment_id)


@bp.route("/forms/<slug>.pdf")
def blank_form(slug: str):
    form = blanks.find(slug)
    if form is None:
        abort(404)
    return blanks.serve(form)


def _send(guide, attachment_id: int):
    att = next((a for a in guide.attachments if a.id == attachment_id), None)
    if att is None:
        abort(404)
    return send_stored(att.storage_key, att.content_type, att.original_name)


# ---- staff ----------------------------------------------------------------------------------


def _staff_guide(guide_id: int):
    """A document of an office the account covers (404 unknown, 403 another office's)."""
    guide = _or_404(queries.get_any, guide_id)
    if not covers(current_user, guide.office_id):
        abort(403)
    return guide


def _input(form: GuideForm) -> services.GuideInput:
    return services.GuideInput(
        kind=form.kind.data or "",
        title=form.title.data or "",
        body=form.body.data or "",
        office_id=form.office_id.data,
        issuing_body=form.issuing_body.data or "",
        doc_number=form.doc_number.data or "",
        effective_on=form.effective_on.data,
    )


def _prepare(form: GuideForm) -> None:
    form.office_id.choices = [
        SelectChoice(str(o.id), o.name if o.is_district else f"\u3000{o.name}")
        for o in offices.in_scope(current_user)
    ]


def _refused(fn, *args, **kwargs):
    """Run a staff action's service: 404 unknown, 403 another office's; a refusal flashed."""
    try:
        fn(*args, actor=current_user, **kwargs)
    except GuideNotFound:
        abort(404)
    except GuideForbidden:
        abort(403)
    except GuideError as e:
        flash(e.localized(), "error")
        return False
    return True


@staff_bp.route("/")
@roles_required(*OFFICE_ROLES)
def staff_index():
    return render_template(
        "notices/guides/staff_index.html", guides=queries.staff_list(current_user)
    )


@staff_bp.route("/new", methods=["GET", "POST"])
@roles_required(*OFFICE_ROLES)
def new():
    form = NewGuideForm()
    _prepare(form)
    if request.method == "GET":
        form.office_id.data = current_user.office_id
        if request.args.get("kind") in rules.KINDS:
            form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        try:
            guide = services.create_draft(_input(form), actor=current_user, token=form.once.data)
        except once.AlreadySubmitted as e:
            return once.already(e, url_for(".preview", guide_id=e.ref))
        except GuideError as e:
            error_onto(form, e)
        else:
            flash(_("草稿已保存，请预览后发布"), "success")
            return redirect(url_for(".preview", guide_id=guide.id))
    return render_template(
        "notices/guides/edit.html", form=form, guide=None
    ), 400 if form.errors else 200


@staff_bp.route("/<int:guide_id>/edit", methods=["GET", "POST"])
@roles_required(*OFFICE_ROLES)
def edit(guide_id: int):
    guide = _staff_guide(guide_id)
    form = GuideForm(obj=guide)
    _prepare(form)
    if form.validate_on_submit():
        try:
            services.update(guide_id, _input(form), actor=current_user)
        except GuideError as e:
            error_onto(form, e)
        else:
            flash(_("已保存"), "success")
            return redirect(url_for(".preview", guide_id=guide_id))
    return render_template(
        "notices/guides/edit.html", form=form, guide=guide
    ), 400 if form.errors else 200


@staff_bp.route("/<int:guide_id>")
@roles_required(*OFFICE_ROLES)
def preview(guide_id: int):
    return _preview(_staff_guide(guide_id))


def _preview(guide, status: int = 200, **forms):
    return render_template(
        "notices/guides/preview.html",
        guide=guide,
        preview=True,
        attachment_form=AttachmentForm(),
        confirm_form=ConfirmForm(),
        publish_form=forms.get("publish_form") or PublishForm(formdata=None),
        delete_form=forms.get("delete_form") or DeleteDraftForm(formdata=None),
        withdraw_form=forms.get("withdraw_form") or WithdrawForm(formdata=None),
    ), status


def _unconfirmed(guide_id: int, form, name: str):
    """A button posted without its box ticked (or its reason): the preview again, 400."""
    if "csrf_token" in form.errors:
        abort(400)
    flash(_("请勾选确认"), "error")
    return _preview(_staff_guide(guide_id), 400, **{name: form})


@staff_bp.route("/<int:guide_id>/publish", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def publish(guide_id: int):
    form = PublishForm()
    if not form.validate_on_submit():
        return _unconfirmed(guide_id, form, "publish_form")
    if _refused(services.publish, guide_id):
        flash(_("已发布"), "success")
        return redirect(url_for("guides.detail", guide_id=guide_id))
    return redirect(url_for(".preview", guide_id=guide_id))


@staff_bp.route("/<int:guide_id>/withdraw", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def withdraw(guide_id: int):
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _unconfirmed(guide_id, form, "withdraw_form")
    if _refused(services.withdraw, guide_id, form.reason.data or ""):
        flash(_("已废止或停用"), "success")
    return redirect(url_for(".preview", guide_id=guide_id))


@staff_bp.route("/<int:guide_id>/delete", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def delete(guide_id: int):
    form = DeleteDraftForm()
    if not form.validate_on_submit():
        return _unconfirmed(guide_id, form, "delete_form")
    if _refused(services.delete_draft, guide_id):
        flash(_("草稿已删除"), "success")
        return redirect(url_for(".staff_index"))
    return redirect(url_for(".preview", guide_id=guide_id))


@staff_bp.route("/<int:guide_id>/attachments", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def upload(guide_id: int):
    _staff_guide(guide_id)  # an unknown document is a 404 whatever was posted
    form = AttachmentForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        once.abort_for_token(form)
        for errors in form.errors.values():
            for e in errors:
                flash(e, "error")
        return redirect(url_for(".preview", guide_id=guide_id))
    file = form.file.data
    preview = url_for(".preview", guide_id=guide_id)
    try:
        uploaded = _refused(
            services.add_attachment, guide_id, file.filename, file.stream, token=form.once.data
        )
    except once.AlreadySubmitted as e:
        return once.already(e, preview)
    if uploaded:
        flash(_("附件已上传"), "success")
    return redirect(preview)


@staff_bp.route("/<int:guide_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def remove_attachment(guide_id: int, attachment_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if _refused(services.remove_attachment, guide_id, attachment_id):
        flash(_("附件已删除"), "success")
    return redirect(url_for(".preview", guide_id=guide_id))


@staff_bp.route("/<int:guide_id>/attachments/<int:attachment_id>")
@roles_required(*OFFICE_ROLES)
def staff_attachment(guide_id: int, attachment_id: int):
    return _send(_staff_guide(guide_id), attachment_id)
