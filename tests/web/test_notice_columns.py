"""The home page's columns of notices and its newest projects written in Python
(app.home.notice_columns, latest_project_lines) are the markup the template's Jinja loops wrote,
byte for byte, whatever they hold (issue 14)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from flask import render_template_string
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import clock
from app.home import latest_project_lines, notice_columns
from contracts.rules import ProjectState
from notices.rules import COLUMNS, NOTICE_TYPES

#: templates/public/home.html's loop over the columns before it moved to Python (the reference).
LOOP = """{% from "_macros/notices.html" import notice_list %}{% set repeated, more = notice_list_repeated(), _('更多') %}
<div class="columns">
{% for col in columns %}{% set col_url = url_for('notices.index', type=col.types|join(',')) %}
  <section class="column panel" aria-labelledby="col-{{ col.key }}">
    <h2 id="col-{{ col.key }}"><a href="{{ col_url }}">{{ _(col.label) }}</a></h2>
    {{ notice_list(col['items'], show_type=col.types|length > 1, repeated=repeated) }}
    <p class="more">{% if col.key == 'oversight' %}<a href="{{ url_for('sanctions.index') }}">{{ _('不良行为处理记录') }}</a> · {% endif %}{% if col.key == 'policy' %}<a href="{{ url_for('guides.index') }}">{{ _('政策制度、办事指南、示范文本和统一表式') }}</a> · {% endif %}<a href="{{ col_url }}">{{ more }} »</a></p>
  </section>
{% endfor %}
</div>"""

NEW = """{% set repeated, more = notice_list_repeated(), _('更多') %}
{{ notice_columns(columns, repeated, more) }}"""

#: templates/public/home.html's loop over the newest projects before it moved to Python.
PROJECTS_LOOP = """{% set more = _('更多') %}{% if latest %}{% set projects_url = url_for('projects.index') %}
<section class="panel" aria-labelledby="latest-projects">
  <h2 id="latest-projects"><a href="{{ projects_url }}">{{ _('项目交易') }}</a></h2>
  <ul class="notice-list">
  {% for row in latest %}
    <li><a href="{{ url_for('projects.detail', code=row.code) }}">{{ row.name }}</a>
      <span class="meta"><span class="badge {{ project_state_badge(row.state) }}">{{ project_state_label(row.state) }}</span><time datetime="{{ row.filed_at|localtime('%Y-%m-%dT%H:%M:%S+08:00') }}">{{ row.filed_at|localdate }}</time></span></li>
  {% endfor %}
  </ul>
  <p class="more"><a href="{{ projects_url }}">{{ more }} »</a></p>
</section>
{% endif %}"""

PROJECTS_NEW = """{% set more = _('更多') %}{% if latest %}{{ latest_project_lines(latest, more) }}{% endif %}"""

NOW = datetime(2026, 12, 5, 2, 30, tzinfo=UTC)
names = st.text(max_size=8) | st.just('<b>"甲&乙"</b>')
notice_line = st.builds(
    SimpleNamespace,
    id=st.integers(1, 2**31 - 1),
    title=names,
    type=st.sampled_from(list(NOTICE_TYPES)),
    office_id=st.none(),
    published_at=st.sampled_from([NOW, None]),
    publicity_ends_at=st.sampled_from([None, NOW, datetime(2027, 1, 1, tzinfo=UTC)]),
    corrected=st.booleans(),
)


def _render(app, source, lang, columns=(), latest=()):
    headers = {"Cookie": "lang=en"} if lang == "en" else {}
    with app.test_request_context("/", headers=headers):
        app.preprocess_request()
        return render_template_string(
            source,
            notice_columns=notice_columns,
            latest_project_lines=latest_project_lines,
            columns=columns,
            latest=latest,
        )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(st.lists(notice_line, max_size=3), min_size=len(COLUMNS), max_size=len(COLUMNS)),
    shown=st.lists(st.sampled_from(range(len(COLUMNS))), unique=True),
    lang=st.sampled_from(["zh", "en"]),
)
def test_the_notice_columns_read_as_the_loop_wrote_them(app, lines, shown, lang):
    columns = [
        {"key": key, "label": label, "types": types, "items": lines[i]}
        for i, (key, label, types) in enumerate(COLUMNS)
        if i in shown
    ]
    app.test_client().get("/healthz")  # after the first request, as a page is
    with clock.frozen_at(NOW):
        assert _render(app, NEW, lang, columns) == _render(app, LOOP, lang, columns)


codes = st.text("abz09-_.", min_size=1, max_size=6) | st.sampled_from(["a b", "甲", 'q"<x>', "%41"])
project_line = st.builds(
    SimpleNamespace,
    code=codes,
    name=names,
    filed_at=st.sampled_from([NOW, datetime(2026, 1, 1, 16, 0, tzinfo=UTC)]),
    state=st.sampled_from(list(ProjectState)),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(latest=st.lists(project_line, max_size=5), lang=st.sampled_from(["zh", "en"]))
def test_the_newest_projects_read_as_the_loop_wrote_them(app, latest, lang):
    app.test_client().get("/healthz")  # after the first request, as a page is
    new = _render(app, PROJECTS_NEW, lang, latest=latest)
    assert new == _render(app, PROJECTS_LOOP, lang, latest=latest)
    assert ("latest-projects" in new) == bool(latest)
