"""The oversight pages (staff, administrators and supervisors): every deadline with its status,
the audit log with filters, their CSV exports, and the staff's deadline warning banner."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, g, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app import clock, i18n
from app.audit import verify_chain
from app.auth.guards import roles_required
from app.auth.models import ROLE_LABELS
from app.auth.roles import OFFICE_ROLES, OVERSIGHT_ROLES, ROLE_VALUES, Role
from app.deadlines import DeadlineStatus, Unit
from app.supervision import queries
from app.supervision.export import csv_bytes
from app.supervision.forms import AuditFilterForm, DeadlineFilterForm
from app.urls import page_arg

log = logging.getLogger("smallworks.supervision")

bp = Blueprint("supervision", __name__, url_prefix="/supervision")


def N_(message: str) -> str:
    """Mark a string for translation; it is translated where it is shown."""
    return message


STATUS_LABELS = {
    DeadlineStatus.OPEN: N_("进行中"),
    DeadlineStatus.DUE_SOON: N_("即将届满"),
    DeadlineStatus.MISSED: N_("已逾期"),
    DeadlineStatus.MET: N_("按期完成"),
    DeadlineStatus.LATE: N_("逾期完成"),
}
#: Shown for a deadline whose count needs a year the office has not confirmed yet.
UNCONFIRMED_LABEL = N_("无法计算（%(year)s年节假日安排未确认）")
#: The unit is on every row, as the rules of time ask: 日 and 工作日 are never mixed up.
UNIT_LABELS = {Unit.DAYS: N_("日"), Unit.WORKING_DAYS: N_("工作日")}


def status_label(row: queries.DeadlineRow) -> str:
    if row.status is None:
        return _(UNCONFIRMED_LABEL, year=row.unconfirmed_year)
    return _(STATUS_LABELS[row.status])


def unit_label(unit: Unit) -> str:
    return _(UNIT_LABELS[unit])


# ---- deadlines ---------------------------------------------------------------------------------


def _deadline_filter() -> tuple[DeadlineFilterForm, queries.Deadlines, int]:
    found = queries.deadline_rows(current_user)
    everything = found.rows
    form = DeadlineFilterForm(request.args)
    form.kind.choices = [("", _("全部"))] + [
        (kind, f"{kind} {i18n.loc(*label)}" if label else kind)
        for kind, label in queries.kinds_of(everything)
    ]
    form.status.choices = [
        ("", _("全部")),
        (queries.PENDING, _("待办（尚未完成）")),
        *((s.value, _(STATUS_LABELS[s])) for s in DeadlineStatus),
    ]
    if request.args and not form.validate():
        return form, found, 400
    rows = queries.filtered(everything, kind=form.kind.data or "", status=form.status.data or "")
    return form, queries.Deadlines(rows, found.failed), 200


@bp.route("/")
@roles_required(*OVERSIGHT_ROLES)
def deadlines():
    form, found, code = _deadline_filter()
    rows = found.rows
    counts = [(s, _(STATUS_LABELS[s]), sum(r.status == s for r in rows)) for s in DeadlineStatus]
    return render_template(
        "supervision/deadlines.html",
        form=form,
        rows=rows,
        counts=counts,
        status_label=status_label,
        unit_label=unit_label,
        Status=DeadlineStatus,
        args=_filter_args("kind", "status"),
        failed=found.failed,
    ), code


@bp.route("/deadlines.csv")
@roles_required(*OVERSIGHT_ROLES)
def deadlines_csv():
    form, found, code = _deadline_filter()
    rows = found.rows
    if code != 200:
        return render_template(
            "supervision/deadlines.html",
            form=form,
            rows=[],
            counts=[],
            status_label=status_label,
            unit_label=unit_label,
            Status=DeadlineStatus,
            args={},
            failed=found.failed,
        ), code
    header = [
        _("类别"),
        _("事项"),
        _("对象"),
        _("期限"),
        _("单位"),
        _("截止时间"),
        _("依据"),
        _("完成时间"),
        _("状态"),
    ]
    body = (
        [
            r.deadline.kind,
            i18n.loc(r.deadline.label, r.deadline.label_en),
            r.deadline.subject,
            r.deadline.length,
            unit_label(r.deadline.unit),
            _local(r.deadline.due_at),
            r.deadline.basis,
            _local(r.deadline.done_at),
            status_label(r),
        ]
        for r in rows
    )
    return _csv(csv_bytes(header, body), "deadlines")


# ---- the audit log -----------------------------------------------------------------------------


def _audit_filter() -> tuple[AuditFilterForm, queries.AuditFilter, int]:
    form = AuditFilterForm(request.args)
    form.role.choices = [("", _("全部")), (queries.SYSTEM, _("系统（无账户）"))] + [
        (r, _(ROLE_LABELS[Role(r)])) for r in ROLE_VALUES
    ]
    if request.args and not form.validate():
        return form, queries.AuditFilter(), 400
    chosen = queries.AuditFilter(
        action=form.action.data or "",
        actor=form.actor.data or "",
        role=form.role.data or "",
        since=form.since.data,
        until=form.until.data,
        subject=form.subject.data or "",
    )
    return form, chosen, 200


AUDIT_FILTERS = ("action", "actor", "role", "since", "until", "subject")


def _filter_args(*names: str) -> dict:
    """The filters as query arguments, for the pager and the export link: only the filters' own
    names (a query's `_external` or `_anchor` must not reach url_for)."""
    return {name: request.args[name] for name in names if request.args.get(name)}


@bp.route("/audit")
@roles_required(*OVERSIGHT_ROLES)
def audit():
    form, chosen, code = _audit_filter()
    if code != 200:
        return render_template("supervision/audit.html", form=form, page=None, links={}), code
    page = queries.audit_page(chosen, page_arg(), actor=current_user)
    return render_template(
        "supervision/audit.html",
        form=form,
        page=page,
        links=queries.link_states(page.items),
        args=_filter_args(*AUDIT_FILTERS),
    )


@bp.route("/audit.csv")
@roles_required(*OVERSIGHT_ROLES)
def audit_csv():
    form, chosen, code = _audit_filter()
    if code != 200:
        return render_template("supervision/audit.html", form=form, page=None, links={}), code
    entries = queries.audit_export(chosen, actor=current_user)
    links = queries.link_states(entries)
    header = [
        _("序号"),
        _("时间"),
        _("操作人"),
        _("操作"),
        _("对象类型"),
        _("对象编号"),
        _("变更前"),
        _("变更后"),
        _("链校验"),
        _("哈希"),
    ]
    body = (
        [
            e.seq,
            _local(e.at, "%Y-%m-%d %H:%M:%S"),
            e.actor_label,
            e.action,
            e.subject_type,
            e.subject_id,
            _json(e.before),
            _json(e.after),
            _("完整") if links[e.seq] else _("断裂"),
            e.hash,
        ]
        for e in entries
    )
    return _csv(csv_bytes(header, body), "audit")


@bp.route("/audit/verify")
@roles_required(*OVERSIGHT_ROLES)
def audit_verify():
    """The whole chain walked from its first entry (`flask audit verify` on a page)."""
    return render_template("supervision/audit_verify.html", report=verify_chain())


# ---- helpers -----------------------------------------------------------------------------------


def _local(moment, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return clock.local(moment).strftime(fmt) if moment else ""


def _json(value) -> str:
    import json

    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _csv(data: bytes, name: str) -> Response:
    stamp = clock.now().astimezone(clock.TZ).strftime("%Y%m%d-%H%M")
    return Response(
        data,
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}-{stamp}.csv"',
        },
    )


# ---- the staff's warning banner ----------------------------------------------------------------


def deadline_warning() -> queries.DeadlineWarning:
    """The banner's counts for the signed-in office account, once a request (every staff page
    shows them). A source that fails must not take the staff's pages down with it: it is logged
    and the banner is left out."""
    if not (current_user.is_authenticated and current_user.role in OFFICE_ROLES):
        return queries.DeadlineWarning()
    if "deadline_warning" not in g:
        try:
            g.deadline_warning = queries.warning_counts(current_user)
        except Exception:
            log.exception("a deadline source failed; the warning banner is left out")
            g.deadline_warning = queries.DeadlineWarning()
    return g.deadline_warning
