"""The public statistics page (/stats/) and its API (/api/v1/stats): figures, tables beside the
charts, the fairness test, filters and bad input."""

from __future__ import annotations

import pytest

from app import clock
from tests.factories import make_user, use_cheap_password_hashes
from tests.integration.test_stats_queries import A, B, C, D, _draw
from tests.pool_factories import at
from tests.trading_factories import active_pool, drawn


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)
    clock.set_now(at(2026, 12, 4, 10))


@pytest.fixture
def traded(app):
    phase = active_pool()
    project, t = drawn(phase, make_user("owner"))
    clock.set_now(at(2026, 12, 4, 10))
    return project, t


def test_the_page_draws_each_figure_with_its_table_and_the_fairness_verdict(client, traded):
    _project, t = traded
    page = client.get("/stats/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('role="img"') == 6
    assert html.count("<caption>") == 5  # the two monthly charts share their table
    assert 'aria-labelledby="months-title months-desc"' in html
    assert "<script" not in html
    assert "公开数据" in html and "2026年" in html
    assert f"{t.discount_rate}%" in html
    assert "没有企业的中选次数超出公平摇号所能解释的范围" in html
    assert "霍尔姆" in html
    assert "2026-12" in html


def test_a_company_winning_far_more_than_chance_is_marked(app, client):
    for n in range(1, 13):
        _draw(n, [A, B, C, D], A, when=at(2026, 5, n, 10))
    # Draw records written by hand, not by the award meeting: the rollup is rebuilt, as after
    # any change made outside the services (`flask stats rebuild`).
    assert app.test_cli_runner().invoke(args=["stats", "rebuild"]).exit_code == 0
    html = client.get("/stats/?year=2026").get_data(as_text=True)
    assert "有1家企业的中选次数明显多于公平摇号所能解释的次数" in html
    assert "（超出偶然范围）" in html
    body = client.get("/api/v1/stats?year=2026").get_json()
    a = next(c for c in body["fairness"]["companies"] if c["uscc"] == A)
    assert a["wins"] == 12 and a["expected"] == 3.0 and a["flagged"] is True
    assert a["p_value"] == pytest.approx(0.25**12)
    assert body["fairness"]["draws"] == 12 and body["fairness"]["correction"] == "holm"


def test_the_api_gives_the_same_figures_as_strings_and_numbers(client, traded):
    _project, t = traded
    body = client.get("/api/v1/stats?year=2026").get_json()
    assert body["year"] == 2026 and body["office"] is None
    assert body["projects"] == 1 and body["contract_value"] == f"{t.contract_price:.2f}"
    assert body["months"][11] == {
        "key": "2026-12",
        "name": "12月",
        "projects": 1,
        "value": f"{t.contract_price:.2f}",
    }
    assert body["discount_rates"] == [{"rate": f"{t.discount_rate:.2f}", "projects": 1}]
    assert body["notice_to_letter"]["projects"] == 1
    assert len(body["fairness"]["companies"]) == 3
    assert client.get("/api/v1/stats?year=2025").get_json()["projects"] == 0


def test_an_office_filter_keeps_its_figures(client, traded):
    project, _t = traded
    from app.extensions import db
    from app.offices.models import Office

    code = db.session.get(Office, project.office_id).code
    assert client.get(f"/stats/?office={code}").status_code == 200
    assert client.get(f"/api/v1/stats?office={code}").get_json()["projects"] == 1


@pytest.mark.parametrize(
    "query",
    [
        "year=99999",
        "year=1999",
        "year=abc",
        "year=２０２６",
        "year=" + "9" * 10_000,
        "year=-2026",
        "year=<script>",
        "year=2026'--",
    ],
)
def test_a_year_that_is_not_one_is_refused_with_a_message(client, query):
    page = client.get(f"/stats/?{query}")
    assert page.status_code == 400
    assert "年份无效" in page.get_data(as_text=True)
    api = client.get(f"/api/v1/stats?{query}")
    assert api.status_code == 400 and "year" in api.get_json()["message"]


def test_an_unknown_office_is_not_found_and_the_api_says_so(client):
    assert client.get("/stats/?office=nowhere").status_code == 404
    api = client.get("/api/v1/stats?office=nowhere")
    assert api.status_code == 400 and "nowhere" in api.get_json()["message"]


def test_nul_bytes_are_refused(client):
    assert client.get("/stats/?year=20%0026").status_code == 400
    assert client.get("/stats/?office=%00").status_code == 400


def test_the_page_is_linked_from_the_main_navigation(client):
    assert 'href="/stats/"' in client.get("/").get_data(as_text=True)


def test_the_english_page_explains_the_test_in_english(client, traded):
    client.get("/lang/en")
    html = client.get("/stats/").get_data(as_text=True)
    assert "Fairness of the draws" in html and "Holm" in html


def _many_companies(n: int) -> tuple[list[str], str]:
    """`n` companies in the district's 2026 rollup, each in four draws of four, the i-th winning
    i % 5 of them (most surprising first: the most wins); their codes in the page's order (by
    p-value, then code) and the district's code. Unregistered: each is named by its code."""
    from app.extensions import db
    from contracts.services import rollup
    from tests.factories import default_district

    office = default_district()
    codes = [f"91330200TEST{i:06d}" for i in range(n)]
    for i, code in enumerate(codes):
        for o in (office.id, 0):
            rollup._add(db.session, (o, 2026, "entry", f"{code} 4 1"), (4, 0, i % 5))
    rollup.bump(db.session, [(office.id, 2026)])
    db.session.commit()
    return sorted(codes, key=lambda c: (-(codes.index(c) % 5), c)), office.code


def _rows(html: str) -> list[str]:
    import re

    return re.findall(r'href="/contractors/(91330200TEST\d{6})"', html)


def test_the_other_companies_are_paged_fifty_at_a_time_keeping_year_and_office(client):
    import re
    from html import unescape

    order, office = _many_companies(130)
    html = client.get(f"/stats/?year=2026&office={office}").get_data(as_text=True)
    assert "其余110家企业" in html
    assert '<details id="other-companies">' in html, "closed until a page of it is asked for"
    assert _rows(html) == order[:70], "the first 20, then the first 50 of the rest"
    assert "第1页，共3页" in html and 'rel="prev"' not in html
    (next_href,) = re.findall(r'href="([^"]*)" rel="next"', html)
    next_href = unescape(next_href)
    assert next_href.endswith("#other-companies")
    assert "page=2" in next_href and "year=2026" in next_href and f"office={office}" in next_href
    second = client.get(next_href.split("#")[0]).get_data(as_text=True)
    assert '<details id="other-companies" open>' in second
    assert _rows(second) == order[:20] + order[70:120]
    assert 'rel="prev"' in second and 'rel="next"' in second and "第2页，共3页" in second
    last = client.get(f"/stats/?year=2026&office={office}&page=3").get_data(as_text=True)
    assert _rows(last) == order[:20] + order[120:]
    assert 'rel="next"' not in last
    # The row numbers run on across the pages.
    assert '<td class="num" data-label="序号">71</td>' in second


@pytest.mark.parametrize(
    ("page", "shown"), [("abc", 1), ("0", 1), ("-3", 1), ("99", 3), ("9" * 40, 3)]
)
def test_a_page_that_is_not_one_gives_the_first_or_the_last_never_an_error(client, page, shown):
    _many_companies(130)
    response = client.get(f"/stats/?year=2026&page={page}")
    assert response.status_code == 200
    assert f"第{shown}页，共3页" in response.get_data(as_text=True)


def test_the_api_still_lists_every_company(client):
    order, _office = _many_companies(130)
    body = client.get("/api/v1/stats?year=2026").get_json()
    assert [c["uscc"] for c in body["fairness"]["companies"]] == order
    assert body["fairness"]["companies"][0]["name"] == order[0]


def test_the_companies_list_pages_the_same_companies_fifty_at_a_time(client):
    order, office = _many_companies(130)
    whole = client.get("/api/v1/stats?year=2026").get_json()["fairness"]["companies"]
    listed, url, pages = [], f"/api/v1/stats/companies?year=2026&office={office}", 0
    while url:
        body = client.get(url).get_json()
        listed += body["items"]
        url, pages = body["next"], pages + 1
        if url:
            assert "year=2026" in url and f"office={office}" in url
    assert pages == 3 and listed == whole
    assert [c["uscc"] for c in listed] == order


def test_the_companies_list_refuses_what_get_stats_refuses_and_an_unknown_cursor_is_empty(client):
    _many_companies(3)
    assert client.get("/api/v1/stats/companies?year=1999").status_code == 400
    assert client.get("/api/v1/stats/companies?office=nowhere").status_code == 400
    body = client.get("/api/v1/stats/companies?year=2026&after=nobody").get_json()
    assert body == {"items": [], "next": None}
    assert len(client.get("/api/v1/stats/companies?year=2026").get_json()["items"]) == 3


def test_the_api_is_flasks_own_encoding_and_a_renamed_company_is_encoded_anew(
    app, client, traded, monkeypatch
):
    """/api/v1/stats encodes its companies once per kept test and their names: the answer is
    what Flask makes of the same figures, byte for byte, before and after a rename."""
    import json

    from sqlalchemy import update

    from app.extensions import db
    from contractors.models import Contractor

    encoded = []
    real = app.json.dumps
    monkeypatch.setattr(app.json, "dumps", lambda obj, **kw: encoded.append(obj) or real(obj, **kw))

    def answer() -> bytes:
        encoded.clear()
        body = client.get("/api/v1/stats?year=2026").get_data()
        by_request = list(encoded)
        assert body == app.json.response(json.loads(body)).get_data()
        encoded[:] = by_request
        return body

    first = answer()
    assert answer() == first
    companies_encoded = [
        o
        for o in encoded
        if isinstance(o, list) or isinstance(o.get("fairness", {}).get("companies"), list)
    ]
    assert not companies_encoded, "the companies are kept encoded"
    uscc = json.loads(first)["fairness"]["companies"][1]["uscc"]
    db.session.execute(update(Contractor).where(Contractor.uscc == uscc).values(name="新名"))
    db.session.commit()
    renamed = json.loads(answer())["fairness"]["companies"]
    assert [c["name"] for c in renamed if c["uscc"] == uscc] == ["新名"]
