"""Owner (业主) pages: enter a project, follow its filing, attach files, record the contract.

The helpers here (`project_input`, `render_detail`…) also serve the office's project
pages (contracts.views.staff_projects): both show one project the same way, each adding its own
actions."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from flask import (
    Blueprint,
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

from app import clock, money, once
from app.auth.guards import roles_required
from app.auth.roles import Role
from app.errors import DomainError, Forbidden, NotFound
from app.forms import error_onto
from app.i18n import loc
from app.storage import send_stored
from contractors import queries as pool_queries
from contracts import progress, queries, rules, services
from contracts.forms.projects import (
    AttachmentForm,
    ContractForm,
    FileForm,
    NewProjectForm,
    ProjectForm,
    RefusalForm,
    SendBackForm,
)
from contracts.queries.projects import entry_offices
from contracts.services.projects import add_attachment, revise_project

bp = Blueprint("projects_owner", __name__, url_prefix="/owner/projects")

#: Project codes are ours (PRJ-2026-0007): anything else cannot name a project.
CODE_RE = re.compile(r"[A-Za-z0-9-]{1,40}")


# ---- shared with the office's pages ------------------------------------------------------------


def project_or_404(code: str):
    if not CODE_RE.fullmatch(code or ""):
        abort(404)
    p = queries.get_project(code)
    if p is None:
        abort(404)
    return p


def project_form(formdata=..., obj=None, *, new: bool = False) -> ProjectForm:
    kwargs = {} if formdata is ... else {"formdata": formdata}
    form = (NewProjectForm if new else ProjectForm)(obj=obj, **kwargs)
    form.set_offices(entry_offices(current_user), getattr(current_user, "office_id", None))
    return form.set_categories(pool_queries.categories())


def project_input(form: ProjectForm) -> services.ProjectInput:
    return services.ProjectInput(
        name=form.name.data or "",
        owner_name=form.owner_name.data or "",
        town=form.town.data or "",
        village=form.village.data or "",
        category_code=form.category_code.data or "",
        kind=form.kind.data or "construction",
        funding=form.funding.data or "",
        estimate=form.estimate.data or "",
        control_price=form.control_price.data or "",
        non_competitive_part=form.non_competitive_part.data or "0",
        duration_days=form.duration_days.data,
        scope=form.scope.data or "",
        contact_person=form.contact_person.data or "",
        contact_phone=form.contact_phone.data or "",
        office_id=form.office_id.data,
    )


def render_form(form, project=None, status: int = 200):
    """The project form, for the owner and (its breadcrumb aside) for the office."""
    return render_template(
        "contracts/owner/project_form.html",
        form=form,
        project=project,
        staff=request.blueprint != bp.name,
        scope=_scope_figures(),
    ), status


def _scope_figures() -> dict[str, str]:
    """The scope's figures as configured (DESIGN.md B.1), for the form's explanation."""
    cfg = current_app.config
    figures = {k: Decimal(v) for k, v in cfg["TENDER_THRESHOLDS"].items()}
    figures["minimum"] = Decimal(cfg["TENDER_MINIMUM"])
    return {k: money.yuan(v) for k, v in figures.items()}


def enter_project(detail_endpoint: str):
    """GET/POST of a new project: one service call; its refusal (out of scope…) on the field."""
    form = project_form(new=True)
    if request.method == "GET" and current_user.role == "owner":
        form.owner_name.data = current_user.organisation  # usually the owner's own unit
    if form.validate_on_submit():
        try:
            p = services.submit_project(
                project_input(form), actor=current_user, token=form.once.data
            )
        except once.AlreadySubmitted as e:
            return once.already(e, url_for(detail_endpoint, code=e.ref))
        except DomainError as e:
            error_onto(form, e)
        else:
            flash(_("项目已提交，等待区公管办备案"), "success")
            return redirect(url_for(detail_endpoint, code=p.code))
    return render_form(form, status=400 if request.method == "POST" else 200)


def revise(p, detail_endpoint: str):
    """GET/POST of a revision: the stored facts on the form, the same checks as entering."""
    if not rules.may(queries.state_of(p), rules.FilingStep.REVISE):
        flash(_("项目已备案，交易文件已固定，不能再修改"), "error")
        return redirect(url_for(detail_endpoint, code=p.code))
    form = project_form(obj=p) if request.method == "GET" else project_form()
    if form.validate_on_submit():
        try:
            revised = revise_project(p.code, project_input(form), actor=current_user)
        except DomainError as e:
            error_onto(form, e)
        else:
            if revised is None:
                flash(_("未作修改"), "info")
            else:
                flash(_("项目已修改并重新提交，等待区公管办备案"), "success")
            return redirect(url_for(detail_endpoint, code=p.code))
    return render_form(form, p, 400 if request.method == "POST" else 200)


def contract_form(row, formdata=...) -> ContractForm:
    kwargs = {} if formdata is ... else {"formdata": formdata}
    t = row.trading
    return ContractForm(
        signed_on=clock.today(),
        amount=f"{t.contract_price:.2f}" if t is not None and t.contract_price else "",
        **kwargs,
    )


def refusal_form(t, formdata=...) -> RefusalForm:
    """The refusal form, naming the current contract unit and its place in the ranking."""
    kwargs = {} if formdata is ... else {"formdata": formdata}
    uscc, position = queries.award_holder(t) or ("", "")
    return RefusalForm(uscc=uscc, position=position, **kwargs)


def detail_context(p, **forms) -> dict:
    row = progress.row_of(p)
    t = row.trading
    drawn = t is not None and t.is_drawn
    ends = row.signing_ends_at
    staff = request.blueprint != bp.name
    return {
        "staff": staff,
        "project": p,
        "row": row,
        "trading": t,
        "tradings": list(p.tradings),
        "state_label": loc(*rules.STATE_LABELS[row.state]),
        # What the project's state allows (contracts.rules): the page offers only that.
        "may": rules.Allowed(row.state),
        "category": next(
            (c for c in pool_queries.categories(active_only=False) if c.code == p.category_code),
            None,
        ),
        "kind_label": loc(*rules.kind_name(p.kind)),
        "funding_label": loc(*rules.funding_name(p.funding)),
        "attachments": progress.attachments(p),
        "respondent_count": progress.respondent_count(t),
        "winner": progress.company(t.winner_uscc) if drawn else None,
        "refusals": progress.refusals(t),
        "contract": queries.contract_of(t),
        "signing_days": current_app.config["CONTRACT_SIGNING_DAYS"],
        #: The last day of the signing period (its end is 00:00 after it).
        "signing_last_day": (clock.local(ends) - timedelta(days=1)).date() if ends else None,
        "attachment_form": forms.get("attachment_form") or AttachmentForm(formdata=None),
        "contract_form": forms.get("contract_form") or contract_form(row, formdata=None),
        "refusal_form": forms.get("refusal_form") or refusal_form(t, formdata=None),
        "holder": queries.award_holder(t),
        **(_filing_forms(p, forms) if staff else {}),
    }


def _filing_forms(p, forms) -> dict:
    """Staff's filing and send-back buttons, each carrying the fingerprint of the project as this
    page shows it: if the owner changes anything meanwhile, the service refuses the button."""
    reviewed = services.fingerprint(p)
    send_back_form = forms.get("send_back_form") or SendBackForm(formdata=None)
    send_back_form.reviewed.data = reviewed
    return {
        "send_back_form": send_back_form,
        "file_form": forms.get("file_form") or FileForm(formdata=None, data={"reviewed": reviewed}),
    }


def render_detail(template: str, p, status: int = 200, **extra):
    forms = {k: v for k, v in extra.items() if k.endswith("_form")}
    ctx = {k: v for k, v in extra.items() if not k.endswith("_form")}
    return render_template(template, **detail_context(p, **forms), **ctx), status


def upload(p, detail):
    """POST of an attachment; refusals (filed, wrong type, too large) flashed."""
    form = AttachmentForm()
    if not form.validate_on_submit():
        once.abort_for_token(form)
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return redirect(url_for(detail, code=p.code, _anchor="attachments"))
    file = form.file.data
    try:
        add_attachment(p.code, file.stream, file.filename, actor=current_user, token=form.once.data)
    except once.AlreadySubmitted as e:
        return once.already(e, url_for(detail, code=p.code, _anchor="attachments"))
    except DomainError as e:
        error_onto(None, e)
    else:
        flash(_("附件已上传"), "success")
    return redirect(url_for(detail, code=p.code, _anchor="attachments"))


def send_attachment(p, attachment_id: int):
    att = progress.attachment_of(p, attachment_id)
    if att is None:
        abort(404)
    return send_stored(att.storage_key, att.content_type, att.original_name)


def record_contract(p, render, detail: str):
    """POST of the signed contract; `render(p, status, **forms)` shows the page again on error."""
    row = progress.row_of(p)
    form = contract_form(row)
    if form.validate_on_submit():
        try:
            services.record_contract(
                p.code,
                form.signed_on.data,
                form.amount.data or "",
                amount_reason=form.amount_reason.data or "",
                actor=current_user,
            )
        except DomainError as e:
            error_onto(form, e)
        else:
            flash(_("合同签订情况已记录"), "success")
            return redirect(url_for(detail, code=p.code))
    return render(p, 400, contract_form=form)


def record_refusal(p, render, detail: str):
    """POST of a refusal to sign. A form that names a company other than the current contract
    unit (posted twice, or stale) comes back as a fresh form naming the current one, with the
    message: nothing was recorded."""
    form = RefusalForm()
    if form.validate_on_submit():
        try:
            r = services.record_refusal(
                p.code,
                form.reason.data or "",
                uscc=form.uscc.data or "",
                position=form.position.data or "",
                actor=current_user,
            )
        except DomainError as e:
            if e.field in ("uscc", "position") and not isinstance(e, Forbidden | NotFound):
                form = refusal_form(progress.row_of(p).trading, formdata=None)
                form.form_errors.append(e.localized())
            else:
                error_onto(form, e)
        else:
            if r.passed_to_uscc:
                flash(_("拒签已记录，承包单位已依排序顺延，并已发布更正公告"), "success")
            else:
                flash(_("拒签已记录；排序名单已用尽，须重新组织交易"), "success")
            return redirect(url_for(detail, code=p.code))
    return render(p, 400, refusal_form=form)


# ---- the owner's pages -------------------------------------------------------------------------

DETAIL = "contracts/owner/detail.html"


def _render(p, status: int = 200, **forms):
    return render_detail(DETAIL, p, status, **forms)


def _own_or_404(code: str):
    """The account's own project; another owner's does not exist for it."""
    p = project_or_404(code)
    if p.owner_user_id != current_user.id:
        abort(404)
    return p


@bp.route("/")
@roles_required(Role.OWNER)
def index():
    return render_template(
        "contracts/owner/index.html",
        rows=progress.owned_by(current_user),
        state_labels=rules.STATE_LABELS,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.OWNER)
def new():
    return enter_project(".detail")


@bp.route("/<code>")
@roles_required(Role.OWNER)
def detail(code: str):
    return _render(_own_or_404(code))


@bp.route("/<code>/edit", methods=["GET", "POST"])
@roles_required(Role.OWNER)
def edit(code: str):
    return revise(_own_or_404(code), ".detail")


@bp.route("/<code>/attachments", methods=["POST"])
@roles_required(Role.OWNER)
def attachments(code: str):
    return upload(_own_or_404(code), ".detail")


@bp.route("/<code>/attachments/<int:attachment_id>")
@roles_required(Role.OWNER)
def attachment(code: str, attachment_id: int):
    return send_attachment(_own_or_404(code), attachment_id)


@bp.route("/<code>/contract", methods=["POST"])
@roles_required(Role.OWNER)
def contract(code: str):
    return record_contract(_own_or_404(code), _render, ".detail")


@bp.route("/<code>/refusal", methods=["POST"])
@roles_required(Role.OWNER)
def refusal(code: str):
    return record_refusal(_own_or_404(code), _render, ".detail")
