"""Notice pages: the public list and detail, and the staff's write → preview → publish pages."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from app import clock, once
from app.auth.guards import roles_required
from app.auth.roles import OFFICE_ROLES
from app.forms import error_onto
from app.i18n import label, loc, named
from app.keyset import cursor_arg
from app.links import link_codes
from app.offices import queries as offices
from app.offices.queries import office_filter
from app.offices.scope import covers
from app.offices.views import register_office_section
from app.storage import send_stored
from app.urls import page_arg, record_id
from app.workdays import TZ
from notices import categories, feeds, markup, queries, related, rules, services
from notices.article import article
from notices.errors import NoticeError, NoticeForbidden, NoticeNotFound
from notices.forms import (
    AttachmentForm,
    ConfirmForm,
    DeleteDraftForm,
    NewNoticeForm,
    NoticeForm,
    PublishForm,
)
from notices.lines import app_repeated, app_words, kept_list, notice_lines
from notices.page import published_notice
from notices.timeliness import queries as timely_queries
from notices.timeliness import rules as timely

bp = Blueprint("notices", __name__, url_prefix="/notices")
staff_bp = Blueprint("notices_staff", __name__, url_prefix="/staff/notices")


@bp.app_template_filter("notice_html")
def notice_html(source: str) -> str:
    """A body as safe HTML, each draw id (any registered code, app.links) a link to its page."""
    # Sanitised by nh3 in markup.render; link_codes adds only links of escaped codes.
    return Markup(link_codes(markup.render(source)))  # noqa: S704


def notice_objections(notice, planned_end=None) -> str | None:
    """The notice's "异议与投诉" text in the request's language (the one wording of
    notices.rules.objections_text, which its printed copy uses too), or None: a type without
    publicity, or an older body that says it itself."""
    if not notice.min_working_days or rules.body_states_objections(notice.body):
        return None
    end = notice.publicity_ends_at or planned_end
    last_day = rules.last_day(clock.local(end)) if end else None
    district = _district_name(notice.office_id)
    return label(rules.objections_text(notice.type, notice.issuing_body, last_day, district))


def _district_name(office_id: int) -> str:
    """The name of the district an office is or belongs to, from the offices the page already
    read (app.offices.queries.office_index, which the page's 发布机构 reads too): scope.district_of
    keeps its own copy and would read every office a second time."""
    by_id = offices.office_index()
    office = by_id[office_id]
    return (office if office.is_district else by_id[office.parent_id]).name


@bp.record_once
def _template_globals(state) -> None:
    # Globals, not a context processor: imported macros see globals but not the context.
    state.app.jinja_env.globals["notice_types"] = rules.NOTICE_TYPES
    state.app.jinja_env.globals["notice_objections"] = notice_objections
    state.app.jinja_env.globals["publicity_state"] = lambda n: rules.publicity_state(
        n.publicity_ends_at, clock.now()
    )
    state.app.jinja_env.globals["notice_list_repeated"] = app_repeated
    state.app.jinja_env.globals["notice_lines"] = notice_lines
    # An office's page (app.offices) lists its latest notices.
    register_office_section(state.app, "notices", office_section)


#: Notices on an office's page; the rest are on the list filtered by the office.
OFFICE_PAGE_NOTICES = 10


def office_section(office, office_ids: list[int], platforms: list) -> tuple[str, dict]:
    """The latest notices of an office (a district: with its platforms')."""
    return (
        "notices/_office.html",
        {"notices": queries.published_lines((), 1, OFFICE_PAGE_NOTICES, office_ids)},
    )


def _get_or_404(fn, *args):
    try:
        return fn(*args)
    except NoticeNotFound:
        abort(404)


def _staff_notice_or_403(notice_id: int):
    """A notice of an office the account covers (404 unknown, 403 another office's)."""
    notice = _get_or_404(queries.get_any, notice_id)
    if not covers(current_user, notice.office_id):
        abort(403)
    return notice


# ---- public ---------------------------------------------------------------------------------


@bp.route("/")
def index():
    types = queries.parse_types(request.args.get("type"))
    office = office_filter(request.args.get("office"))
    kinds = categories.categories()
    category = _category_arg(kinds)
    pagination = queries.published_line_rows(
        types,
        cursor_arg(),
        current_app.config["NOTICES_PER_PAGE"],
        office.ids,
        category.code if category else None,
    )
    words = app_words()  # the catalogue's, kept per language (issue 14): plain text here
    heading = "、".join(str(words.types[t]) for t in types) if types else str(words.everything)
    if category:
        heading = f"{named(category)} · {heading}"
    return render_template(
        "notices/index.html",
        pagination=pagination,
        lines=kept_list(pagination.items, queries.line_rows, app_repeated),
        types=types,
        heading=heading,
        office_filter=office,
        category=category,
        categories=kinds,
    )


def _category_arg(kinds=None):
    """`?category=<code>` of the list and the feed: its category, None without one; an
    unknown code is 404 (the codes come from the links of the list). `kinds`: the categories,
    if the caller has read them."""
    code = request.args.get("category", "").strip()
    category = categories.find(code, kinds)
    if code and category is None:
        abort(404)
    return category


@bp.route("/feed.atom")
def feed():
    """The Atom feed of the list with the same `?type=`, `?office=` and `?category=`
    (notices.feeds)."""
    types = queries.parse_types(request.args.get("type"))
    office = office_filter(request.args.get("office"))
    if office.ids == []:
        abort(404)  # an unknown office: no feed to follow
    category = _category_arg()
    config = current_app.config
    site_name = loc(config["SITE_NAME"], config.get("SITE_NAME_EN") or config["SITE_NAME"])
    body = feeds.atom(site_name, types, office.ids, office.arg, category)
    return Response(body, mimetype=feeds.ATOM)


@bp.route("/timeliness")
def timeliness():
    """公开时限: per local month (the last 12, or `?month=YYYY-MM`) and notice type with a limit,
    how many were published on time and late; the late ones; each limit with its basis."""
    raw = request.args.get("month", "").strip()
    try:
        months = [timely.parse_month(raw)] if raw else timely.months(clock.today())
    except ValueError:
        error = loc(
            f"月份“{raw[:20]}”无效，请按“年-月”填写，例如 2026-11",
            f"The month “{raw[:20]}” is not valid; write it as year-month, e.g. 2026-11",
        )
        page = timely_queries.page(None)
        return render_template("notices/timeliness.html", label=label, error=error, **page), 400
    page = timely_queries.page(months)
    return render_template("notices/timeliness.html", label=label, month=raw or None, **page)


@bp.route("/<int:notice_id>")
def detail(notice_id: int):
    notice, rows = _get_or_404(published_notice, notice_id)
    links = related.related_links(notice, current_user)
    return render_template(
        "notices/detail.html", notice=notice, article=article(notice, rows, links)
    )


@bp.route("/<int:notice_id>/attachments/<int:attachment_id>")
def attachment(notice_id: int, attachment_id: int):
    notice = _get_or_404(queries.get_published, notice_id)
    return _send_attachment(notice, attachment_id)


def _send_attachment(notice, attachment_id: int):
    att = next((a for a in notice.attachments if a.id == attachment_id), None)
    if att is None:
        abort(404)
    return send_stored(att.storage_key, att.content_type, att.original_name)


# ---- staff ----------------------------------------------------------------------------------


def _form_input(form: NoticeForm) -> services.NoticeInput:
    due = form.publish_due_at.data
    info = rules.NOTICE_TYPES.get(form.type.data)  # an unknown type is refused by the service
    return services.NoticeInput(
        type=form.type.data,
        title=form.title.data or "",
        issuing_body=form.issuing_body.data or "",
        legal_basis=(form.legal_basis.data or "").strip()
        or (info.default_legal_basis if info else ""),
        body=form.body.data or "",
        min_working_days=form.min_working_days.data,
        publish_due_at=due.replace(tzinfo=TZ) if due else None,
        corrects_id=form.corrects_id.data,
        office_id=form.office_id.data,
    )


def _prepare(form: NoticeForm) -> None:
    form.office_id.choices = [
        SelectChoice(str(o.id), o.name if o.is_district else f"\u3000{o.name}")
        for o in offices.in_scope(current_user)
    ]
    form.corrects_id.choices = [
        SelectChoice("", _("（不是更正公告）")),
        *(SelectChoice(str(i), label) for i, label in queries.published_choices()),
    ]


@staff_bp.route("/")
@roles_required(*OFFICE_ROLES)
def staff_index():
    """The office's notices; `?sms=failed` keeps those with messages to re-send (the
    dashboard's to-do count links here)."""
    page = page_arg()
    raw = request.args.get("sms", "")
    status = 200
    if raw not in ("", "failed"):
        flash(_("没有这种短信筛选条件，已显示全部公告"), "error")
        status = 400
    return render_template(
        "notices/staff_index.html",
        pagination=queries.staff_list(page, actor=current_user, sms_failed=raw == "failed"),
        sms_failed=raw == "failed",
        now=clock.now(),
        is_late=rules.is_late,
    ), status


@staff_bp.route("/new", methods=["GET", "POST"])
@roles_required(*OFFICE_ROLES)
def new():
    form = NewNoticeForm()
    _prepare(form)
    if request.method == "GET":
        form.office_id.data = current_user.office_id
        corrects = request.args.get("corrects", type=record_id)
        form.type.data = "correction" if corrects else rules.NEW_DRAFT_TYPE
        if corrects:
            form.corrects_id.data = corrects
    if form.validate_on_submit():
        try:
            notice = services.create_draft(
                _form_input(form), actor=current_user, token=form.once.data
            )
        except once.AlreadySubmitted as e:
            return once.already(e, url_for(".preview", notice_id=e.ref))
        except NoticeError as e:
            error_onto(form, e)
        else:
            flash(_("草稿已保存，请预览后发布"), "success")
            return redirect(url_for(".preview", notice_id=notice.id))
    return render_template("notices/edit.html", form=form, notice=None), 400 if form.errors else 200


@staff_bp.route("/<int:notice_id>/edit", methods=["GET", "POST"])
@roles_required(*OFFICE_ROLES)
def edit(notice_id: int):
    notice = _staff_notice_or_403(notice_id)
    if notice.is_published:
        flash(_("公告已发布，不能再修改；如需更正，请发布更正公告"), "error")
        return redirect(url_for(".preview", notice_id=notice_id))
    form = NoticeForm(obj=notice)
    _prepare(form)
    if request.method == "GET" and notice.publish_due_at:
        form.publish_due_at.data = clock.local(notice.publish_due_at).replace(tzinfo=None)
    if form.validate_on_submit():
        try:
            services.update_draft(notice_id, _form_input(form), actor=current_user)
        except NoticeError as e:
            error_onto(form, e)
        else:
            flash(_("草稿已更新"), "success")
            return redirect(url_for(".preview", notice_id=notice_id))
    return render_template(
        "notices/edit.html", form=form, notice=notice
    ), 400 if form.errors else 200


@staff_bp.route("/<int:notice_id>")
@roles_required(*OFFICE_ROLES)
def preview(notice_id: int):
    return _preview(_staff_notice_or_403(notice_id))


def _preview(notice, status: int = 200, **forms):
    """The draft as it will be published, with its buttons; a button posted without its box
    ticked comes back here (400) with the message on the box."""
    planned_end, planned_error = None, None
    if not notice.is_published:
        try:
            planned_end = services.publicity_end(notice.min_working_days, clock.today())
        except NoticeError as e:
            planned_error = e.localized()
    return render_template(
        "notices/preview.html",
        notice=notice,
        preview=not notice.is_published,
        planned_end=planned_end,
        planned_error=planned_error,
        attachment_form=AttachmentForm(),
        confirm_form=ConfirmForm(),
        publish_form=forms.get("publish_form") or PublishForm(formdata=None),
        delete_form=forms.get("delete_form") or DeleteDraftForm(formdata=None),
    ), status


def _unconfirmed(notice_id: int, form, name: str):
    """A button posted without its box ticked: the preview again (400), nothing changed. A
    missing or stale CSRF token is a plain 400."""
    if "csrf_token" in form.errors:
        abort(400)
    notice = _staff_notice_or_403(notice_id)
    flash(_("请勾选确认"), "error")  # at the top too: the box is at the foot of a long page
    return _preview(notice, 400, **{name: form})


@staff_bp.route("/<int:notice_id>/publish", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def publish(notice_id: int):
    form = PublishForm()
    if not form.validate_on_submit():
        return _unconfirmed(notice_id, form, "publish_form")
    try:
        notice = services.publish(notice_id, actor=current_user)
    except NoticeNotFound:
        abort(404)
    except NoticeForbidden:
        abort(403)
    except NoticeError as e:
        flash(e.localized(), "error")
        return redirect(url_for(".preview", notice_id=notice_id))
    flash(_("公告已发布"), "success")
    return redirect(url_for("notices.detail", notice_id=notice.id))


@staff_bp.route("/<int:notice_id>/delete", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def delete(notice_id: int):
    form = DeleteDraftForm()
    if not form.validate_on_submit():
        return _unconfirmed(notice_id, form, "delete_form")
    try:
        services.delete_draft(notice_id, actor=current_user)
    except NoticeNotFound:
        abort(404)
    except NoticeForbidden:
        abort(403)
    except NoticeError as e:
        flash(e.localized(), "error")
        return redirect(url_for(".preview", notice_id=notice_id))
    flash(_("草稿已删除"), "success")
    return redirect(url_for(".staff_index"))


@staff_bp.route("/<int:notice_id>/attachments", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def upload(notice_id: int):
    _staff_notice_or_403(notice_id)  # an unknown notice is a 404 whatever was posted
    form = AttachmentForm()
    if not form.validate_on_submit():
        once.abort_for_token(form)
        for errors in form.errors.values():
            for e in errors:
                flash(e, "error")
        return redirect(url_for(".preview", notice_id=notice_id))
    file = form.file.data
    try:
        services.add_attachment(
            notice_id, file.filename, file.stream, actor=current_user, token=form.once.data
        )
    except once.AlreadySubmitted as e:
        return once.already(e, url_for(".preview", notice_id=notice_id))
    except NoticeNotFound:
        abort(404)
    except NoticeForbidden:
        abort(403)
    except NoticeError as e:
        flash(e.localized(), "error")
    else:
        flash(_("附件已上传"), "success")
    return redirect(url_for(".preview", notice_id=notice_id))


@staff_bp.route("/<int:notice_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def remove_attachment(notice_id: int, attachment_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.remove_attachment(notice_id, attachment_id, actor=current_user)
    except NoticeNotFound:
        abort(404)
    except NoticeForbidden:
        abort(403)
    except NoticeError as e:
        flash(e.localized(), "error")
    else:
        flash(_("附件已删除"), "success")
    return redirect(url_for(".preview", notice_id=notice_id))


@staff_bp.route("/<int:notice_id>/attachments/<int:attachment_id>")
@roles_required(*OFFICE_ROLES)
def staff_attachment(notice_id: int, attachment_id: int):
    return _send_attachment(_staff_notice_or_403(notice_id), attachment_id)
