"""The roster's rows written in Python (contractors/views/roster_rows.py) are the markup the
template's Jinja loop wrote, byte for byte, whatever the row holds (issue 14)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from flask import render_template_string
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.offices.models import Office
from contractors.queries import Member
from tests.factories import default_district, make_office

#: The column words as the page sets them, and the loop before the rows moved to Python.
WORDS = """{% set h_no, h_category, h_name, h_district, h_uscc, h_since, h_until, h_state, in_pool
  = _('序号'), _('类别'), _('企业名称'), _('区公管办'), _('统一社会信用代码'), _('入库日期'),
    _('有效期至'), _('状态'), _('在库') %}"""
LOOP = (
    WORDS
    + """{% for m in members %}
      <tr>
        <td data-label="{{ h_no }}">{{ loop.index }}</td>
        {% if not chosen %}<td data-label="{{ h_category }}">{{ category_label(m.category_name) }}</td>{% endif %}
        <td data-label="{{ h_name }}"><a href="{{ url_for('pool.contractor', uscc=m.uscc) }}">{{ m.name }}</a></td>
        <td data-label="{{ h_district }}">{% if districts.get(m.district_id) %}<a href="{{ url_for('pool.roster', office=districts[m.district_id].code) }}">{{ districts[m.district_id]|named }}</a>{% endif %}</td>
        <td data-label="{{ h_uscc }}"><code>{{ m.uscc }}</code></td>
        <td data-label="{{ h_since }}">{{ m.since.isoformat() }}</td>
        <td data-label="{{ h_until }}">{{ m.until|last_valid_day }}</td>
        <td data-label="{{ h_state }}"><span class="badge badge-running">{{ in_pool }}</span></td>
      </tr>
    {% endfor %}"""
)
NEW = (
    WORDS
    + """{{ roster_rows(members, districts, {'no': h_no, 'category': h_category, 'name': h_name, 'district': h_district, 'uscc': h_uscc, 'since': h_since, 'until': h_until, 'state': h_state, 'in_pool': in_pool}, not chosen) }}"""
)

days = st.dates(min_value=date(2024, 1, 2), max_value=date(2030, 12, 31))
members = st.builds(
    Member,
    contractor_id=st.integers(1, 10**6),
    uscc=st.sampled_from(["91330205144025768D", "N233020500000MA2K7"])
    | st.text(min_size=1, max_size=20),
    name=st.text(max_size=12) | st.just('<b>"甲&乙"</b>'),
    mobile=st.just("13800000000"),
    category=st.sampled_from(["JZ", "SZ"]),
    category_name=st.sampled_from(["建筑工程", "市政公用工程", "未知类别", "<i>&</i>", "JZ", ""]),
    since=days,
    until=days,
    district_id=st.sampled_from(["district", "other", None, 999_999]),
)


@pytest.fixture
def districts(app):
    """Two districts by id, one with an English name to escape."""
    first = default_district()
    other = make_office("yi-district", "乙区<公管办>", kind="district")
    db.session.get(Office, other.id).name_en = 'Yi "District" & Co'
    db.session.commit()
    return {first.id: first, other.id: db.session.get(Office, other.id)}


def _render(app, source, lang, **context):
    headers = {"Cookie": "lang=en"} if lang == "en" else {}
    with app.test_request_context("/pool/", headers=headers):
        app.preprocess_request()
        return render_template_string(source, **context)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(members, min_size=1, max_size=4),
    chosen=st.sampled_from([None, "JZ"]),
    lang=st.sampled_from(["zh", "en"]),
)
def test_every_roster_row_reads_as_before(app, districts, rows, chosen, lang):
    ids = {"district": next(iter(districts)), "other": list(districts)[1]}
    rows = [replace(m, district_id=ids.get(m.district_id, m.district_id)) for m in rows]
    context = {"members": rows, "districts": districts, "chosen": chosen}
    assert _render(app, NEW, lang, **context) == _render(app, LOOP, lang, **context)
