"""A project's facts written in Python (contracts.views.public.project_facts) are the markup the
public page's template wrote, byte for byte, whatever the project holds (issue 14)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

from flask import render_template_string
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.offices.queries import office_index
from contracts import rules

#: The project page's facts (now in templates/contracts/public/_project_article.html) before
#: they moved to Python (the reference).
TEMPLATE = """{% macro when(moment) -%}
<time datetime="{{ moment|localtime('%Y-%m-%dT%H:%M:%S+08:00') }}">{{ moment|localtime }}</time>
{%- endmacro %}
    <dl class="facts">
      <div><dt>{{ _('当前阶段') }}</dt><dd><span class="badge {{ project_state_badge(state) }}">{{ project_state_label(state) }}</span></dd></div>
      {% set platform = office_of(project) %}
      {% if platform %}<div><dt>{{ _('交易平台') }}</dt><dd><a href="{{ url_for('offices.detail', code=platform.code) }}">{{ platform|named }}</a></dd></div>{% endif %}
      <div><dt>{{ _('业主') }}</dt><dd>{{ project.owner_name }}</dd></div>
      <div><dt>{{ _('地点') }}</dt><dd>{{ project.town }}{{ project.village }}</dd></div>
      <div><dt>{{ _('类别') }}</dt><dd>{{ category_label(project.category_code) }}{{ paren(project_kind_label(project.kind)) }}</dd></div>
      <div><dt>{{ _('资金来源') }}</dt><dd>{{ project_funding_label(project.funding) }}</dd></div>
      <div><dt>{{ _('估算价') }}</dt><dd>{{ _('%(amount)s元', amount=project.estimate|yuan) }}</dd></div>
      <div><dt>{{ _('控制价') }}</dt><dd>{{ _('%(amount)s元', amount=project.control_price|yuan) }}</dd></div>
      {% if project.non_competitive_part %}<div><dt>{{ _('其中不可竞争费用') }}</dt><dd>{{ _('%(amount)s元', amount=project.non_competitive_part|yuan) }}</dd></div>{% endif %}
      <div><dt>{{ _('工期') }}</dt><dd>{{ _('%(n)d日历天', n=project.duration_days) }}</dd></div>
      <div><dt>{{ _('联系人') }}</dt><dd>{{ project.contact_person }} {{ project.contact_phone }}</dd></div>
      <div><dt>{{ _('备案时间') }}</dt><dd>{{ when(project.filed_at) }}</dd></div>
    </dl>"""

NEW = """
    <dl class="facts">{{ project_facts(project, state, paren) }}
    </dl>"""

texts = st.text(max_size=6) | st.just('<b>"甲&乙"</b>')
amounts = st.sampled_from([Decimal("0.00"), Decimal("260000"), Decimal("1234567.891"), None])


def _project(draw_office):
    return st.builds(
        SimpleNamespace,
        code=st.just("PRJ-2026-0001"),
        office_id=draw_office,
        owner_name=texts,
        town=texts,
        village=texts,
        category_code=st.sampled_from(["SZ", "FW", "甲<", ""]),
        kind=st.sampled_from([*rules.KIND_NAMES, "other<"]),
        funding=st.sampled_from([*rules.FUNDING_NAMES, "x&y"]),
        estimate=amounts,
        control_price=amounts,
        non_competitive_part=amounts,
        duration_days=st.integers(0, 999),
        contact_person=texts,
        contact_phone=texts,
        filed_at=st.sampled_from(
            [None, datetime(2026, 11, 20, 2, 0, tzinfo=UTC), datetime(2026, 1, 1, 16, tzinfo=UTC)]
        ),
    )


def _render(app, source, lang, **context):
    headers = {"Cookie": "lang=en"} if lang == "en" else {}
    with app.test_request_context("/", headers=headers):
        app.preprocess_request()
        return render_template_string(source, **context)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), lang=st.sampled_from(["zh", "en"]))
def test_the_facts_read_as_the_template_wrote_them(app, data, lang):
    app.test_client().get("/healthz")  # after the first request, as a page is
    with app.test_request_context("/"):
        offices = list(office_index())
    project = data.draw(_project(st.sampled_from([None, 999_999, *offices])))
    state = data.draw(st.sampled_from(list(rules.ProjectState)))
    new = _render(app, NEW, lang, project=project, state=state)
    assert new == _render(app, TEMPLATE, lang, project=project, state=state)
    assert "facts" in new
