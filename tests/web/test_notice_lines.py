"""A notice list's lines written in Python (notices/lines.py) are the markup the macro's Jinja
loop wrote, byte for byte, whatever the line holds (issue 14)."""

from __future__ import annotations

from collections import namedtuple
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from flask import render_template_string
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app import clock
from notices.lines import LINE_FIELDS
from notices.queries import line_columns
from notices.rules import NOTICE_TYPES
from tests.factories import default_district, make_office

#: The macro's loop as it was before the lines moved to Python (the reference).
LOOP = """{% set r = notice_list_repeated() %}{% set w = r.words %}
<ul class="notice-list">
{% for n in items %}
  <li>
    <a href="{{ r.detail }}{{ n.id }}">{{ n.title }}</a>
    <span class="meta">
      {% if show_type %}<span class="type">{{ w.types[n.type] }}</span>{% endif %}
      {% if show_office %}{% set o = office_of(n) %}{% if o %}<span class="office">{{ o|named }}</span>{% endif %}{% endif %}
      {% set st = publicity_state(n) %}
      {% if st == 'running' %}<span class="badge badge-running">{{ w.running }}</span>
      {% elif st == 'ended' %}<span class="badge badge-ended">{{ w.ended }}</span>{% endif %}
      {% if n.corrected %}<span class="badge badge-corrected">{{ w.corrected }}</span>{% endif %}
      {% set at = n.published_at|localtime('%Y-%m-%dT%H:%M:%S+08:00') %}<time datetime="{{ at }}">{{ at[:10] }}</time>
    </span>
  </li>
{% else %}
  <li class="empty">{{ _('暂无公告') }}</li>
{% endfor %}
</ul>
"""

NEW = """{% from "_macros/notices.html" import notice_list %}{{ notice_list(items, show_type=show_type, show_office=show_office) }}"""

NOW = datetime(2026, 12, 5, 2, 30, tzinfo=UTC)
moments = st.one_of(
    st.none(),
    st.sampled_from([NOW - timedelta(days=2), NOW, NOW + timedelta(seconds=1)]),
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)).map(
        lambda d: d.replace(tzinfo=UTC)
    ),
)
lines = st.builds(
    SimpleNamespace,
    id=st.integers(1, 2**31 - 1),
    title=st.text(max_size=12) | st.just('<b>"甲&乙"</b>'),
    type=st.sampled_from([*NOTICE_TYPES, "unknown_type"]),
    office_id=st.sampled_from([None, "district", "platform", 999_999]),
    published_at=moments,
    publicity_ends_at=moments,
    corrected=st.sampled_from([None, False, True, 0, 1]),
)


#: A row as a statement of `line_columns` and one more column gives it: its fields, by position
#: and by name.
ROW = namedtuple("ROW", [*LINE_FIELDS, "column"])


@pytest.fixture
def office_ids(app):
    district = default_district()
    platform = make_office("zh-a", "甲街道")
    platform_en = platform.id
    from app.extensions import db
    from app.offices.models import Office

    db.session.get(Office, platform_en).name_en = "Jia <Subdistrict>"
    db.session.commit()
    return {"district": district.id, "platform": platform.id}


def _render(app, source, lang, **context):
    headers = {"Cookie": "lang=en"} if lang == "en" else {}
    with app.test_request_context("/notices/", headers=headers):
        app.preprocess_request()
        return render_template_string(source, **context)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_empty_list_reads_as_before(app, lang):
    for show_type in (True, False):
        context = {"items": [], "show_type": show_type, "show_office": True}
        assert (
            _render(app, NEW, lang, **context)
            == "\n\n" + _render(app, LOOP, lang, **context) + "\n"
        )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    items=st.lists(lines, max_size=4),
    show_type=st.booleans(),
    show_office=st.booleans(),
    lang=st.sampled_from(["zh", "en"]),
    as_rows=st.booleans(),
)
def test_every_line_reads_as_before(app, office_ids, items, show_type, show_office, lang, as_rows):
    for n in items:
        n.office_id = office_ids.get(n.office_id, n.office_id)
    if as_rows:  # rows of line_columns, a column after them (the home page's): read by position
        items = [ROW(**vars(n), column=3) for n in items]
    context = {"items": items, "show_type": show_type, "show_office": show_office}
    with clock.frozen_at(NOW):
        new = _render(app, NEW, lang, **context)
        old = _render(app, LOOP, lang, **context)
    # The macro adds what surrounds its loop: the comment's and the `set`'s lines, and keeps the
    # last newline (a template's own is dropped).
    assert new == "\n\n" + old + "\n"


def test_a_notice_without_a_corrected_column_has_no_badge(app, office_ids):
    """A Notice object (an office's page lists them) has no `corrected`: no badge, no error."""
    item = SimpleNamespace(
        id=1, title="t", type="pool_call", office_id=None, published_at=NOW, publicity_ends_at=None
    )
    context = {"items": [item], "show_type": True, "show_office": True}
    with clock.frozen_at(NOW):
        assert (
            _render(app, NEW, "zh", **context)
            == "\n\n" + _render(app, LOOP, "zh", **context) + "\n"
        )


def test_the_lines_statement_gives_the_fields_the_lines_read_by_position():
    """A row of `line_columns` is read by position when its fields start as LINE_FIELDS; a
    reordered statement would still be read right (by name), only slower (issue 14)."""
    assert tuple(select(*line_columns()).selected_columns.keys()) == LINE_FIELDS
