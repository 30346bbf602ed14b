"""Draw pages: the public list, record page, meeting screen and minutes PDF; the staff console."""

from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from app import clock
from app.api import time_iso
from app.auth.guards import roles_required
from app.auth.roles import OFFICE_ROLES
from app.built import serve_built
from app.i18n import label, loc, localized
from app.keyset import cursor_arg
from app.offices.queries import office_filter
from app.pdf import cjk_fonts
from app.wiring import registry
from lottery import documents, meeting, pages, queries, rules, services, verify
from lottery.errors import DrawClosed, DrawError, DrawForbidden, DrawNotFound
from lottery.forms import AbandonForm, ConfirmDrawForm, EntropyForm

bp = Blueprint("draws", __name__, url_prefix="/draws")
staff_bp = Blueprint("draws_staff", __name__, url_prefix="/staff/draws")

PER_PAGE = 20

#: Registry (app.wiring): subject type → (endpoint, URL argument) of the subject's own page,
#: registered by the domain that owns it in its `init_app` (e.g. Trading: "trading" →
#: ("projects.detail", "code")). Without one, the record page links to a search for the subject's
#: code among the notices.
SUBJECT_PAGES = "lottery.subject_pages"


def register_subject_page(app: Flask, subject_type: str, endpoint: str, argument: str) -> None:
    registry(SUBJECT_PAGES, app)[subject_type] = (endpoint, argument)


def subject_url(d) -> str:
    endpoint = registry(SUBJECT_PAGES).get(d.subject_type)
    if endpoint and endpoint[0] in current_app.view_functions:
        return url_for(endpoint[0], **{endpoint[1]: d.subject_code})
    return url_for("public.search", q=d.subject_code)


#: Registry (app.wiring): subject type → `url_of(subject_code)`, the staff page of the meeting that
#: runs the subject's draws (an owned subject, `services.register_owned_subject`) or None, filled
#: by its owner in its `init_app` (e.g. Trading: a round's award meeting on its project's page).
#: The console of such a draw links there instead of offering entries or an abandonment.
MEETING_PAGES = "lottery.meeting_pages"


def register_meeting_page(app: Flask, subject_type: str, url_of) -> None:
    registry(MEETING_PAGES, app)[subject_type] = url_of


def meeting_url(d) -> str | None:
    """The staff page of the meeting that runs `d` (its owner's), or None without one."""
    url_of = registry(MEETING_PAGES).get(d.subject_type)
    return url_of(d.subject_code) if url_of else None


def draw_links(codes) -> dict[str, str]:
    """The draw ids among `codes` with their record pages (app.links: a draw id in a notice body
    is a link to its record)."""
    return {i: url_for("draws.detail", draw_id=i) for i in queries.existing_ids(codes)}


#: How many hashes and URLs the two filters below keep: each is a pure function of its text (a
#: draw's commitment, seed, record URL, a check's detail), and a draw page shows about ten.
#: Typed: a Markup is kept apart from a str of the same characters (it is not escaped again).
_KEPT = 4096


@functools.lru_cache(maxsize=_KEPT, typed=True)
def hex_groups(value: str | None) -> Markup:
    """A hash in groups of eight with break opportunities: readable, wraps on a phone, copies whole."""
    if not value:
        return Markup("")
    return Markup("<wbr>").join(
        Markup('<span class="g">{}</span>').format(value[i : i + 8])
        for i in range(0, len(value), 8)
    )


@functools.lru_cache(maxsize=_KEPT, typed=True)
def breakable(value: str | None) -> Markup:
    """Long URLs and hashes with break opportunities (after / . =, and every 16 hex digits), so
    they wrap on a phone; copying the text gives it back unchanged."""
    if not value:
        return Markup("")
    html = str(escape(value))  # entities contain none of / . = nor a run of hex digits
    html = re.sub(
        r"[0-9a-f]{17,}",
        lambda m: "<wbr>".join(m[0][i : i + 16] for i in range(0, len(m[0]), 16)),
        html,
    )
    return Markup(re.sub(r"(?<=[/.=])(?!$)", "<wbr>", html))  # noqa: S704 — escaped above


@bp.record_once
def _template_globals(state) -> None:
    env = state.app.jinja_env
    env.globals["draw_kind_label"] = lambda kind: label(rules.KIND_LABELS[kind])
    env.globals["draw_status_label"] = lambda status: label(rules.STATUS_LABELS[status])
    env.globals["draw_subject_label"] = lambda t: label(rules.SUBJECT_TYPE_LABELS.get(t, (t,)))
    env.globals["draw_subject_url"] = subject_url
    env.globals["draw_label_adds"] = rules.label_adds
    env.filters["hex_groups"] = hex_groups
    env.filters["breakable"] = breakable
    env.filters["bilingual_half"] = bilingual_half


def _get_or_404(draw_id: str):
    try:
        return queries.get(draw_id)
    except DrawNotFound:
        abort(404)


def _public_url(endpoint: str, **values) -> str:
    """An absolute URL on the public address, for printed documents (DESIGN.md: PUBLIC_BASE_URL)."""
    return url_for(endpoint, _external=True, **values)  # on PUBLIC_BASE_URL (SmallworksFlask)


def _verdict_summary(d, verdict) -> str:
    """The verifier's conclusion in the page's language. The verifier (standard library only)
    speaks "中文 / English" with an English-only summary of the draw; the page says the same in
    the reader's language. A failed verification keeps the verifier's own words."""
    if verdict is None or not verdict.ok:
        return verdict.message if verdict else ""
    if d.status == "abandoned":
        return _("验证通过：抽签已作废，公开的种子与事先公布的承诺一致。")
    result = d.result or []
    if d.kind == "ranking":
        outcome = _(
            "%(n)d个候选，前%(w)d名：%(first)s",
            n=len(d.candidates or []),
            w=d.winners,
            first=loc("、", ", ").join(
                loc(f"{d.label(c)}（{c}）", f"{d.label(c)} ({c})") if d.label(c) else c
                for c in result[: d.winners]
            ),
        )
    else:
        outcome = _("抽中：%(option)s", option=result[0] if result else "—")
    return _(
        "验证通过：抽签 %(id)s（%(kind)s），%(outcome)s。种子与事先公布的承诺一致，"
        "重新计算得到与公布完全相同的结果。",
        id=d.draw_id,
        kind=label(rules.KIND_LABELS[d.kind]),
        outcome=outcome,
    )


def bilingual_half(text: str) -> str:
    """The request's half of a verifier text written "中文 / English" (a check's name)."""
    zh, sep, en = (text or "").partition(" / ")
    return label((zh, en)) if sep else text


def _record(d) -> dict:
    return rules.published_record(d, time_iso)


def _proposed(d) -> tuple[services.CandidateList | None, str | None]:
    """The candidates the draw would freeze now, or why there are none to show."""
    if not d.is_committed:
        return None, None
    try:
        return services.proposed_candidates(d), None
    except rules.RuleError as e:  # a candidate source returned duplicates: say so, never draw
        return None, localized(e)


# ---- public ---------------------------------------------------------------------------------


@bp.route("/")
def index():
    status = queries.parse_status(request.args.get("status"))
    office = office_filter(request.args.get("office"))
    return render_template(
        "lottery/index.html",
        pagination=queries.page(status, cursor_arg(), PER_PAGE, office.ids),
        status=status,
        statuses=rules.STATUSES,
        office_filter=office,
    )


@bp.route("/verify.py")
def verifier():
    """The standalone verifier (standard library only), to check any draw without this project."""
    return send_file(
        Path(verify.__file__),
        mimetype="text/x-python",
        as_attachment=True,
        download_name="verify.py",
    )


@bp.route("/<draw_id>")
def detail(draw_id: str):
    row = queries.page_row(draw_id)
    if row is None:
        abort(404)
    page = pages.record_page(row)
    d = page.draw
    return render_template(
        "lottery/detail.html",
        draw=d,
        record=page.record,
        candidates=page.candidates,
        verdict=page.verdict,
        # Worked out only when the body is written (not when it is kept: `body_key`).
        verdict_summary=functools.partial(_verdict_summary, d, page.verdict),
        rows=page.rows,
        record_url=url_for("draws_api.get_draw", draw_id=d.draw_id, _external=True),
        body_key=pages.body_key(row),
    )


@bp.route("/<draw_id>/screen")
def screen(draw_id: str):
    """摇号现场大屏: large type for the projector; reloads itself every 5 s until the draw."""
    d = _get_or_404(draw_id)
    proposed, _error = _proposed(d)
    return render_template(
        "lottery/screen.html",
        draw=d,
        proposed=proposed,
        rows=pages.ranking_rows(d),
        record_url=url_for("draws_api.get_draw", draw_id=d.draw_id, _external=True),
    )


@bp.route("/<draw_id>/minutes.pdf")
def minutes(draw_id: str):
    """摇号记录 (draw minutes) as a PDF with an embedded CJK font and a QR code to this record.

    Built once per state of the draw and served from storage (app.built): a drawn or abandoned
    draw's minutes never change, so they are public and cacheable; a committed draw's are
    revalidated on each request, and built again once it closes."""
    d = _get_or_404(draw_id)
    record = _record(d)
    fonts = cjk_fonts(current_app.config)
    page_url = _public_url("draws.detail", draw_id=d.draw_id)
    record_url = _public_url("draws_api.get_draw", draw_id=d.draw_id)
    office = current_app.config["OFFICE_NAME"]
    # What the subject's owner adds (the award meeting's credit screen); the record is unchanged.
    sections = services.minutes_sections(d)
    # Everything the minutes print besides the time they were made.
    identity = {
        "sections": [dataclasses.asdict(x) for x in sections],
        "record": record,
        "labels": {c: d.label(c) for c in (record["candidates"] or [])},
        "subject_label": d.subject_label,
        "page_url": page_url,
        "record_url": record_url,
        "office": office,
        "fonts": fonts,
    }
    return serve_built(
        "draw-minutes",
        identity,
        lambda: documents.minutes.minutes_pdf(
            d,
            record,
            fonts=fonts,
            page_url=page_url,
            record_url=record_url,
            office_name=office,
            generated_at=clock.now(),
            local=clock.local,
            sections=sections,
        ),
        download_name=f"{d.draw_id}-摇号记录.pdf",
        final=not d.is_committed,
        sources=documents.SOURCES,
    )


# ---- staff console --------------------------------------------------------------------------


def _console(d, form: EntropyForm, *, status: int = 200, abandon_form: AbandonForm | None = None):
    owned = services.owned_where(d)
    # A draw its owner's meeting runs: the console shows where, never a list it cannot draw.
    proposed, proposed_error = (None, None) if owned else _proposed(d)
    return render_template(
        "lottery/console.html",
        draw=d,
        owned=label(owned) if owned else None,
        meeting_url=meeting_url(d) if owned else None,
        form=form,
        abandon_form=abandon_form or AbandonForm(formdata=None),
        proposed=proposed,
        proposed_error=proposed_error,
        max_entries=rules.MAX_ENTROPY_ENTRIES,
        max_chars=rules.MAX_ENTROPY_CHARS,
    ), status


def _staff_draw_or_403(draw_id: str):
    """A draw of an office the account covers (404 unknown, 403 another office's)."""
    d = _get_or_404(draw_id)
    if not services.runs_draws_of(current_user, d):
        abort(403)
    return d


@staff_bp.route("/<draw_id>/console", methods=["GET", "POST"])
@roles_required(*OFFICE_ROLES)
def console(draw_id: str):
    """The staff's console beside the screen: type the entropy, review it, then draw."""
    d = _staff_draw_or_403(draw_id)
    form = EntropyForm()
    if request.method == "GET":
        return _console(d, form)
    proposed, _error = _proposed(d)

    def not_final():
        # An owned draw goes on to the service, which refuses it (400) with where it is run.
        if d.is_committed and proposed is None and services.owned_where(d) is None:
            flash(_("候选名单尚未确定，不能摇号"), "error")
            return _console(d, form, status=409)
        return None

    return meeting.entries_step(
        form,
        page=lambda form, status: _console(d, form, status=status),
        guard=not_final,
        show=lambda entries: services.show_pending_entropy(draw_id, entries, actor=current_user),
        review=lambda entries: render_template(
            "lottery/review.html",
            draw=d,
            entries=entries,
            proposed=proposed,
            form=ConfirmDrawForm(
                formdata=None, data={"entropy": entries, "candidates_digest": proposed.digest}
            ),
        ),
        refuse=lambda e: _closed(e, draw_id),
    )


def _closed(e: Exception, draw_id: str):
    """A drawn or abandoned draw: say so on its record page."""
    if isinstance(e, DrawClosed):
        flash(e.localized(), "error")
        return redirect(url_for("draws.detail", draw_id=draw_id))
    return None


#: The console's candidates are its source's now; the attendees reviewed the list as it was then.
CANDIDATES_CHANGED = (
    "候选名单在核对之后发生了变化，请重新核对后再摇号",
    "The candidate list changed after the review; review it again before drawing",
)


@staff_bp.route("/<draw_id>/draw", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def run_draw(draw_id: str):
    """The confirmation: draws with exactly the reviewed entries, then shows the result on screen."""
    d = _staff_draw_or_403(draw_id)

    def confirm(entropy: list[str], reviewed: str):
        if not d.is_committed:
            raise services.closed_error(d.status, d.draw_id)
        proposed, _error = _proposed(d)
        if not rules.as_reviewed(reviewed, proposed.ids if proposed else None):
            raise DrawError(*CANDIDATES_CHANGED)
        return services.draw(
            draw_id,
            entropy,
            list(proposed.ids),
            candidate_labels=proposed.labels,
            actor=current_user,
        )

    def done(_drawn):
        flash(_("摇号完成，结果已公布"), "success")
        return redirect(url_for("draws.screen", draw_id=draw_id))

    return meeting.confirm_step(
        ConfirmDrawForm(),
        confirm=confirm,
        done=done,
        back=url_for(".console", draw_id=draw_id),
        refuse=lambda e: _closed(e, draw_id),
    )


@staff_bp.route("/<draw_id>/abandon", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def abandon(draw_id: str):
    d = _staff_draw_or_403(draw_id)
    form = AbandonForm()
    if not form.validate_on_submit():
        return _console(d, EntropyForm(formdata=None), status=400, abandon_form=form)
    try:
        services.abandon(draw_id, form.reason.data, actor=current_user)
    except DrawForbidden:
        abort(403)
    except DrawError as e:
        flash(e.localized(), "error")
        return redirect(url_for(".console", draw_id=draw_id))
    flash(_("抽签已作废，种子已公开"), "success")
    return redirect(url_for("draws.detail", draw_id=draw_id))
