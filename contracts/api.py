"""Public API v1 of trading: `GET /api/v1/projects[/<code>]` with DESIGN.md's fields, and the statistics
(`GET /api/v1/stats`) of the 公开数据 page."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, request

from app import clock
from app.api import (
    bad_request,
    last_modified,
    office_arg,
    office_field,
    paginated,
    since_arg,
    time_iso,
)
from app.keyset import cursor_arg
from contracts import queries, rules
from contracts.models import Project
from contracts.queries import public as public_queries
from contracts.queries import stats, stats_memo

bp = Blueprint("projects_api", __name__, url_prefix="/api/v1/projects")

PER_PAGE = 50


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def serialize(p: Project, state: rules.ProjectState | None = None) -> dict:
    """DESIGN.md, Public API v1: amounts as strings, times ISO 8601 with +08:00. The list passes
    the state it computed for the whole page (no query per project)."""
    t = queries.latest_trading(p)
    drawn = t is not None and t.is_drawn
    return {
        "code": p.code,
        "name": p.name,
        "category": p.category_code,
        "office": office_field(p),
        "estimate": _money(p.estimate),
        "control_price": _money(p.control_price),
        "status": str(state if state is not None else queries.state_of(p)),
        "notice_id": t.notice_id if t else None,
        "draw_ids": {"award": t.award_draw_id, "rate": t.rate_draw_id} if t else None,
        "winner": t.winner_uscc if drawn else None,
        "discount_rate": _money(t.discount_rate) if drawn else None,
        "contract_price": _money(t.contract_price) if drawn else None,
        "timeline": {
            "published": time_iso(t.created_at) if t else None,
            "responses_closed": time_iso(t.responses_close_at) if t else None,
            "drawn": time_iso(t.held_at) if drawn else None,
            "letter_issued": time_iso(t.letter_issued_at) if drawn else None,
        },
    }


@bp.route("")
def list_projects():
    office_ids, office = office_arg()
    page = public_queries.public_projects_page(
        cursor_arg(), PER_PAGE, None, office_ids, since=since_arg()
    )
    changes = public_queries.last_changes(page.items)
    return paginated(
        page,
        lambda row: serialize(row.project, row.state),
        "projects_api.list_projects",
        changed=lambda row: changes[row.project.id],
        office=office,
    )


@bp.route("/<code>")
def get_project(code: str):
    p = queries.get_public_project(code)
    if p is None:
        abort(404)
    (row,) = public_queries.project_rows([p])
    return last_modified(serialize(p), public_queries.last_changes([row])[p.id])


stats_bp = Blueprint("stats_api", __name__, url_prefix="/api/v1/stats")


def _company(c) -> dict:
    """A company's row of the test, without its name (names are read on each request)."""
    return {
        "uscc": c.uscc,
        "responses": c.responses,
        "draws": c.draws,
        "wins": c.wins,
        "expected": round(c.expected, 6),
        "variance": round(c.variance, 6),
        "z": None if c.z is None else round(c.z, 6),
        "p_value": c.p_value,
        "p_adjusted": c.p_adjusted,
        "flagged": c.flagged,
    }


def _fairness(f, companies) -> dict:
    """The test's figures with `companies`: every company (the contract of v1), as a list or
    as the placeholder its encoding replaces (`_answer`)."""
    return {
        "draws": f.draws,
        "alpha": f.alpha,
        "correction": "holm",
        "statistic": round(f.statistic, 6),
        "df": f.df,
        "p_value": f.p_value,
        "companies": companies,
    }


def _named_companies(f) -> tuple[list[dict], dict[str, str]]:
    """Every company of the test, named as registered now (one statement), and those names.
    Their rows are built once per kept test (stats_memo), the names added on each request."""
    rows = stats_memo.memo().derived(f, "api", lambda: [_company(c) for c in f.companies])
    names = stats_memo.names([r["uscc"] for r in rows])
    return [{**r, "name": names.get(r["uscc"], r["uscc"])} for r in rows], names


class _Encoded:
    """The companies of a kept test encoded as the answer encodes them, with the names they were
    encoded with: thousands of companies are most of a megabyte of JSON, the same until a
    meeting or a rename."""

    def __init__(self) -> None:
        #: (names, JSON text); replaced whole, so a reader sees one pair or the other.
        self.kept: tuple[dict[str, str], str] | None = None


#: Stands for the companies in the encoded answer until their encoding replaces it: a quoted
#: random string, which no figure nor name of the answer can be.
_PLACEHOLDER = secrets.token_hex(16)


def _answer(body: dict, f):
    """`body` as Flask answers a dict, with the test's companies in it. Each request reads the
    names; the companies' JSON is encoded again only when they differ from those it was encoded
    with (a kept test's). A server that indents its JSON (debug) encodes it all each time."""
    json = current_app.json
    if json.compact is False or (json.compact is None and current_app.debug):
        body["fairness"] = _fairness(f, _named_companies(f)[0])
        return body
    encoded = stats_memo.memo().derived(f, "api_json", _Encoded)
    rows = stats_memo.memo().derived(f, "api", lambda: [_company(c) for c in f.companies])
    names = stats_memo.names([r["uscc"] for r in rows])
    kept = encoded.kept
    if kept is None or kept[0] != names:
        companies = [{**r, "name": names.get(r["uscc"], r["uscc"])} for r in rows]
        kept = encoded.kept = (names, json.dumps(companies, separators=(",", ":")))
    body["fairness"] = _fairness(f, _PLACEHOLDER)
    text = json.dumps(body, separators=(",", ":")).replace(f'"{_PLACEHOLDER}"', kept[1], 1)
    return current_app.response_class(f"{text}\n", mimetype=json.mimetype)


def _volume(v) -> dict:
    return {"key": v.key, "name": v.label, "projects": v.projects, "value": _money(v.value)}


def _year_arg() -> int:
    """`?year=` of the statistics: this year when blank; else four digits in range, or a 400."""
    year = stats.parse_year(request.args.get("year"), clock.today().year)
    if year is None:
        bad_request(f"year must be four digits, {stats.FIRST_YEAR}–{stats.LAST_YEAR}")
    return year


@stats_bp.route("")
def get_stats():
    """The figures of the statistics page (公开数据) for `?year=` (default: this year) and
    `?office=` (default: every office), amounts as strings (docs/api.md)."""
    year = _year_arg()
    office_ids, office = office_arg()
    f = stats.figures(year, office_ids, named=False)
    letters = f.letters
    body = {
        "year": year,
        "office": office,
        "projects": f.projects,
        "contract_value": _money(f.value),
        "months": [_volume(m) for m in f.months],
        "categories": [_volume(c) for c in f.categories],
        "discount_rates": [{"rate": _money(r), "projects": n} for r, n in f.rates],
        "notice_to_letter": {
            "target_working_days": letters.target,
            "projects": letters.total,
            "within_target": letters.within_target,
            "median": letters.median,
            "uncounted": letters.uncounted,
            "buckets": [{"working_days": k, "projects": n} for k, n in letters.buckets],
        },
    }
    return _answer(body, f.fairness)


@dataclass
class _Companies:
    """A page of the test's companies, in its order; the next starts after the last one's code."""

    items: list[dict]
    has_next: bool

    def next_args(self) -> dict | None:
        return {"after": self.items[-1]["uscc"]} if self.has_next else None


@stats_bp.route("/companies")
def list_companies():
    """The fairness test's companies of `?year=` and `?office=`, most surprising first, fifty a
    page (`?after=<uscc>`): the `companies` of /api/v1/stats as a list (docs/api.md)."""
    year = _year_arg()
    office_ids, office = office_arg()
    f = stats_memo.fairness(year, office_ids)
    rows = stats_memo.memo().derived(f, "api", lambda: [_company(c) for c in f.companies])
    after = (request.args.get("after") or "").strip()
    if after:
        at = stats_memo.memo().derived(
            f, "positions", lambda: {r["uscc"]: i for i, r in enumerate(rows)}
        )
        # A code that is not one of the year's companies: an empty page, as any unknown cursor.
        start = at[after] + 1 if after in at else len(rows)
    else:
        start = 0
    page = rows[start : start + PER_PAGE]
    names = stats_memo.names([r["uscc"] for r in page])
    items = [{**r, "name": names.get(r["uscc"], r["uscc"])} for r in page]
    return paginated(
        _Companies(items, start + PER_PAGE < len(rows)),
        lambda item: item,
        "stats_api.list_companies",
        year=year,
        office=office,
    )
