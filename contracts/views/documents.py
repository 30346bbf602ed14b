"""Trading documents as PDFs: the bulletin-board notice, the result letter, posting photos."""

from __future__ import annotations

import dataclasses
import io
from datetime import timedelta
from decimal import Decimal

from flask import Blueprint, abort, current_app, send_file, url_for
from flask_login import current_user, login_required

from app import clock
from app.auth.roles import OFFICE_ROLES
from app.built import serve_built
from app.offices.scope import covers, district_of
from app.pdf import cjk_fonts
from app.storage import get_storage
from app.urls import public_base_url
from contractors import queries as pool_queries
from contracts import documents, queries, rules
from contracts.models import Project, Trading
from contracts.services.posting import posting_of
from lottery import services as draws
from notices import queries as notice_queries
from notices import rules as notice_rules
from notices.errors import NoticeNotFound

bp = Blueprint("project_documents", __name__, url_prefix="/projects")

#: How the notice and the model text name the part of the control price not discounted.
NON_COMPETITIVE_LABEL = "不可竞争费用"


def _public_url(path: str) -> str:
    """An absolute URL on the public address, for printed documents (DESIGN.md: PUBLIC_BASE_URL)."""
    return public_base_url() + path


def project_page_url(code: str) -> str:
    return _public_url(url_for("projects.detail", code=code))


def _project_and_trading(code: str) -> tuple[Project, Trading]:
    p = queries.get_project(code)
    t = queries.latest_trading(p) if p is not None else None
    if p is None or t is None:
        abort(404)
    return p, t


def _notice(notice_id: int | None):
    try:
        return notice_queries.get_published(notice_id or 0)
    except NoticeNotFound:
        abort(404)


def _pdf(data: bytes, name: str):
    return send_file(io.BytesIO(data), mimetype="application/pdf", download_name=name, max_age=0)


# ---- who may see the result letter -------------------------------------------------------------


def may_see_letter(project: Project | None, trading: Trading | None) -> bool:
    """The result letter goes to the contract unit and its owner: staff of the project's office
    (or its district), the project's owner account and the current winner's contractor account
    may read it, once drawn."""
    if project is None or trading is None or not trading.is_drawn or not trading.winner_uscc:
        return False
    if not current_user.is_authenticated:
        return False
    role = current_user.role
    if role in OFFICE_ROLES:
        return covers(current_user, project.office_id)
    if role == "owner":
        return project.owner_user_id is not None and project.owner_user_id == current_user.id
    if role == "contractor":
        company = pool_queries.contractor_of(current_user)
        return company is not None and company.uscc == trading.winner_uscc
    return False


@bp.app_template_global("may_see_letter")
def _may_see_letter_global(project, trading) -> bool:
    return may_see_letter(project, trading)


# ---- the bulletin-board notice -----------------------------------------------------------------


def bulletin_notice(p: Project, t: Trading, notice, category_name: str) -> documents.BulletinNotice:
    """The printed trading notice's facts, from the project, its trading and the notice."""
    award, rate = draws.get(t.award_draw_id), draws.get(t.rate_draw_id)
    # The office that issued the notice prints it (the project's platform, its 公开主体).
    office = notice.issuing_body
    published = clock.local(notice.published_at)
    # The publicity ends (exclusive) at local midnight: its last day is the day before.
    last_day = notice_rules.last_day(clock.local(t.responses_close_at))
    kind = rules.KIND_LABELS.get(p.kind, p.kind)
    return documents.BulletinNotice(
        project_code=t.code,
        project_name=p.name,
        owner=p.owner_name,
        town=p.town,
        village=p.village,
        category=f"{category_name}（{kind}）" if category_name else kind,
        funding=rules.FUNDING.get(p.funding, p.funding),
        estimate=p.estimate,
        control_price=p.control_price,
        duration=f"{p.duration_days}日历天",
        scope=p.scope or "见交易文件",
        rate_options=tuple(Decimal(r) for r in t.rate_options),
        response_deadline=t.responses_close_at,
        meeting_at=t.meeting_at,
        meeting_place=t.meeting_place,
        award_draw_id=award.draw_id,
        award_commitment=award.seed_commitment,
        rate_draw_id=rate.draw_id,
        rate_commitment=rate.seed_commitment,
        # The page's words (notices.views.notice_objections): complaints go to the district.
        objections=notice_rules.objections_text(
            notice.type, office, last_day, district_of(notice.office_id).name
        )[0],
        publicity_start=published.date(),
        publicity_last_day=last_day,
        notice_url=project_page_url(p.code),
        issuer=office,
        issued_on=published.date(),
        non_competitive=p.non_competitive_part,
        non_competitive_label=NON_COMPETITIVE_LABEL,
        contact=f"业主联系人 {p.contact_person} {p.contact_phone}",
    )


def _category_name(code: str) -> str:
    return next((c.name for c in pool_queries.categories(active_only=False) if c.code == code), "")


@bp.route("/<code>/bulletin.pdf")
def bulletin_pdf(code: str):
    """信息公开栏: the current trading notice as an A4 poster with a QR code to the project page.
    Public: it is a public notice."""
    p, t = _project_and_trading(code)
    notice = _notice(t.notice_id)
    data = bulletin_notice(p, t, notice, _category_name(p.category_code))
    fonts = cjk_fonts(current_app.config)
    # Built once for what it shows (the notice's facts; postings are not on it) and served from
    # storage (app.built): a meeting moved or a new trading notice is another poster. Not final:
    # this address shows the current trading notice, so clients revalidate.
    return serve_built(
        "bulletin",
        {"notice": dataclasses.asdict(data), "fonts": fonts},
        lambda: documents.bulletin_pdf(data, fonts=fonts),
        download_name=f"{t.code}-信息公开栏公告.pdf",
        final=False,
        sources=documents.SOURCES,
    )


# ---- the result notification letter --------------------------------------------------------------


def result_letter(p: Project, t: Trading) -> documents.ResultLetter:
    """The letter to the current contract unit. When a refusal passed the award on, the letter
    to the next in the ranking dates from the correction that named it."""
    award = draws.get(t.award_draw_id)
    result = _notice(t.result_notice_id)
    issued, notice = t.letter_issued_at or result.published_at, result
    ranking = award.result or []
    if ranking and t.winner_uscc != ranking[0] and result.published_corrections:
        notice = result.published_corrections[-1]
        issued = notice.published_at
    issued_on = clock.local(issued).date()
    company = pool_queries.contractor_by_uscc(t.winner_uscc)
    days = int(current_app.config.get("CONTRACT_SIGNING_DAYS", 30))
    return documents.ResultLetter(
        reference=f"交易结果〔{issued_on.year}〕{notice.id}号",
        project_code=t.code,
        project_name=p.name,
        owner=p.owner_name,
        winner_name=award.label(t.winner_uscc) or (company.name if company else t.winner_uscc),
        winner_uscc=t.winner_uscc,
        discount_rate=t.discount_rate,
        control_price=p.control_price,
        contract_price=t.contract_price,
        award_draw_id=t.award_draw_id,
        award_draw_url=_public_url(url_for("draws.detail", draw_id=t.award_draw_id)),
        rate_draw_id=t.rate_draw_id,
        rate_draw_url=_public_url(url_for("draws.detail", draw_id=t.rate_draw_id)),
        meeting_at=t.held_at or t.meeting_at,
        # 《招标投标法》第四十六条: within 30 days of the letter; its own day does not count.
        signing_deadline=issued_on + timedelta(days=days),
        result_url=_public_url(url_for("notices.detail", notice_id=notice.id)),
        issuer=result.issuing_body,
        issued_on=issued_on,
        non_competitive=p.non_competitive_part,
        non_competitive_label=NON_COMPETITIVE_LABEL,
    )


@bp.route("/<code>/letter.pdf")
@login_required
def letter_pdf(code: str):
    """交易结果通知书: to the winner, copied to the owner; staff see it too. Once drawn only."""
    p, t = _project_and_trading(code)
    if not t.is_drawn or not t.winner_uscc or t.contract_price is None:
        abort(404)
    if not may_see_letter(p, t):
        abort(403)
    pdf = documents.result_letter_pdf(result_letter(p, t), fonts=cjk_fonts(current_app.config))
    return _pdf(pdf, f"{t.code}-交易结果通知书.pdf")


# ---- posting photos ----------------------------------------------------------------------------------


@bp.route("/<code>/postings/<int:posting_id>/photo")
def posting_photo(code: str, posting_id: int):
    """The photo of a posted notice on its board, with the type detected at upload."""
    posting = posting_of(code, posting_id)
    if posting is None or not posting.photo_key:
        abort(404)
    try:
        handle = get_storage().open(posting.photo_key)
    except FileNotFoundError:
        abort(404)
    response = send_file(
        handle,
        mimetype=posting.photo_type,
        download_name=posting.photo_name or "photo",
        max_age=0,
    )
    # An image shown in an <img> or on its own, never anything our origin would run.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
