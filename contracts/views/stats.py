"""The public statistics page (公开数据): figures drawn on the server, each with its table."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest

from app import charts, clock
from app.i18n import loc
from app.offices import queries as offices
from app.urls import page_arg
from contracts.queries import stats, stats_memo

bp = Blueprint("stats", __name__, url_prefix="/stats")

#: Companies shown openly in the fairness table; the rest fold under a <details>, a page of
#: OTHERS_PER_PAGE at a time (`?page=`): at a million notices they are thousands.
FAIRNESS_SHOWN = 20
OTHERS_PER_PAGE = 50

BAD_YEAR = _l("年份无效：请填写%(first)d至%(last)d之间的四位年份。")


class BadYear(BadRequest):
    """A 400 whose explanation (shown on the error page) says which years exist."""

    def __init__(self) -> None:
        super().__init__()
        self.detail = BAD_YEAR % {"first": stats.FIRST_YEAR, "last": stats.LAST_YEAR}


def filters():
    """`?year=` and `?office=` of the page and the API: (year, office filter); None for a year
    that is not one (the caller answers 400)."""
    year = stats.parse_year(request.args.get("year"), clock.today().year)
    return year, offices.office_filter(request.args.get("office"))


@bp.route("/")
def index():
    year, flt = filters()
    if year is None:
        raise BadYear()
    if flt.unknown:
        abort(404)
    f = stats.figures(year, flt.ids, named=False)
    others = stats.numbered(f.fairness.companies[FAIRNESS_SHOWN:], page_arg(), OTHERS_PER_PAGE)
    # The names of the rows shown, and only those: one statement.
    listed = stats_memo.named([*f.fairness.companies[:FAIRNESS_SHOWN], *others.items])
    top, others.items = listed[:FAIRNESS_SHOWN], listed[FAIRNESS_SHOWN:]
    ten_thousand = 10_000
    return render_template(
        "contracts/stats/index.html",
        f=f,
        year=year,
        office_filter=flt,
        years=range(min(year, clock.today().year) - 4, clock.today().year + 1),
        month_chart=charts.chart(
            [(loc(m.label, m.label_en), m.projects) for m in f.months], whole=True
        ),
        value_chart=charts.chart(
            [(loc(m.label, m.label_en), float(m.value) / ten_thousand) for m in f.months]
        ),
        category_chart=charts.chart(
            [(c.label, float(c.value) / ten_thousand) for c in f.categories]
        ),
        rate_chart=charts.chart([(f"{r}%", n) for r, n in f.rates], whole=True),
        letter_chart=charts.chart(list(f.letters.buckets), whole=True),
        fairness_chart=charts.chart(
            [(str(i), c.wins) for i, c in enumerate(f.fairness.companies[:FAIRNESS_SHOWN], 1)],
            at_least=max((c.expected for c in f.fairness.companies[:FAIRNESS_SHOWN]), default=0),
            whole=True,
        ),
        shown=FAIRNESS_SHOWN,
        top=top,
        others=others,
        # A link of the others' pager opens them; the page itself opens them closed, as before.
        others_open="page" in request.args,
    )
