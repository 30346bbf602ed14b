"""The home page's office cards written in Python (app.home.office_cards) are the markup the
template's Jinja loop wrote, byte for byte, whatever the offices, notices and projects hold; and
a link made by `app.urls.links` is the one `url_for` builds (issue 14)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from flask import Flask, render_template_string
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import clock
from app.home import office_cards
from app.urls import links
from contracts.rules import ProjectState
from notices.rules import NOTICE_TYPES

#: templates/public/home.html's loop over the offices before it moved to Python (the reference).
LOOP = """{% from "_macros/notices.html" import notice_list %}{% set repeated, more = notice_list_repeated(), _('更多') %}
<section class="offices-home" aria-labelledby="offices-h">
  <h2 id="offices-h" class="visually-hidden">{{ _('各交易机构') }}</h2>{% set district_badge, platform_badge, all_notices, all_projects = _('区公管办'), _('街道/镇平台'), _('全部公告'), _('全部项目') %}
  {% for district, platforms in office_groups %}
  <section class="office-group" aria-labelledby="home-office-{{ district.code }}">
    {% if office_groups|length > 1 %}<h2 id="home-office-{{ district.code }}"><a href="{{ url_for('offices.detail', code=district.code) }}">{{ district|named }}</a></h2>{% else %}<h2 id="home-office-{{ district.code }}" class="visually-hidden">{{ district|named }}</h2>{% endif %}
    <div class="columns">
    {% for o in [district] + platforms %}
      {% set office_url = url_for('offices.detail', code=o.code) %}<section class="column panel office-card" aria-labelledby="card-{{ o.code }}">
        <h3 id="card-{{ o.code }}"><a href="{{ office_url }}">{{ o|named }}</a>
          <span class="badge">{% if o.is_district %}{{ district_badge }}{% else %}{{ platform_badge }}{% endif %}</span></h3>
        {{ notice_list(notices_by_office.get(o.id, []), show_office=False, repeated=repeated) }}
        {% set rows = projects_by_office.get(o.id, []) %}
        {% if rows %}
        <ul class="notice-list">
        {% for row in rows %}
          <li><a href="{{ url_for('projects.detail', code=row.code) }}">{{ row.name }}</a>
            <span class="meta"><span class="badge {{ project_state_badge(row.state) }}">{{ project_state_label(row.state) }}</span></span></li>
        {% endfor %}
        </ul>
        {% endif %}
        <p class="more"><a href="{{ url_for('notices.index', office=o.code) }}">{{ all_notices }}</a> · <a href="{{ url_for('projects.index', office=o.code) }}">{{ all_projects }}</a> · <a href="{{ office_url }}">{{ more }} »</a></p>
      </section>
    {% endfor %}
    </div>
  </section>
  {% endfor %}
</section>"""

NEW = """{% set repeated = notice_list_repeated() %}
{{ office_cards(office_groups, notices_by_office, projects_by_office, repeated) }}"""

NOW = datetime(2026, 12, 5, 2, 30, tzinfo=UTC)
#: Codes and names as they may be: URL-safe codes, and ones with characters a URL or HTML escapes.
codes = st.text("abz09-_.", min_size=1, max_size=6) | st.sampled_from(
    ["a b", "甲", "a&b", 'q"<x>', "a/b", "%41", "a?b=c", "~x", "x-link-value-x"]
)
names = st.text(max_size=8) | st.just('<b>"甲&乙"</b>')


@st.composite
def offices(draw):
    """A province's groups (districts and their platforms) with unique ids and codes."""
    shape = draw(st.lists(st.integers(0, 3), min_size=1, max_size=3))
    used = draw(st.lists(codes, min_size=sum(shape) + len(shape), unique=True))
    made = iter(range(1, 100))
    groups = []
    for platforms in shape:

        def office(district):
            i = next(made)
            return SimpleNamespace(
                id=i,
                code=used[i - 1],
                name=draw(names),
                name_en=draw(st.sampled_from(["", "Jia <Subdistrict>"])),
                is_district=district,
            )

        groups.append((office(True), [office(False) for _ in range(platforms)]))
    return groups


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
project_line = st.builds(
    SimpleNamespace, code=codes, name=names, state=st.sampled_from(list(ProjectState))
)


def _render(app, source, lang, **context):
    headers = {"Cookie": "lang=en"} if lang == "en" else {}
    with app.test_request_context("/", headers=headers):
        app.preprocess_request()
        return render_template_string(source, office_cards=office_cards, **context)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    groups=offices(),
    notices=st.lists(notice_line, max_size=3),
    projects=st.lists(project_line, max_size=3),
    lang=st.sampled_from(["zh", "en"]),
    data=st.data(),
)
def test_the_office_cards_read_as_the_loop_wrote_them(app, groups, notices, projects, lang, data):
    ids = [o.id for d, platforms in groups for o in (d, *platforms)]
    spread = st.dictionaries(st.sampled_from(ids), st.just(None))
    context = {
        "office_groups": groups,
        "notices_by_office": {i: notices for i in data.draw(spread)},
        "projects_by_office": {i: projects for i in data.draw(spread)},
    }
    app.test_client().get("/healthz")  # after the first request, as a page is
    with clock.frozen_at(NOW):
        new = _render(app, NEW, lang, **context)
        old = _render(app, LOOP, lang, **context)
    assert new == old


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    value=codes | st.text(min_size=1, max_size=6),
    endpoint=st.sampled_from(
        [("offices.detail", "code"), ("projects.detail", "code"), ("notices.index", "office")]
    ),
    root=st.sampled_from(["http://localhost/", "http://localhost/sw/"]),
)
def test_a_link_of_many_is_the_one_url_for_builds(app, value, endpoint, root):
    name = endpoint[1]
    with app.test_request_context("/", base_url=root):
        link = links(endpoint[0], name)
        assert link(value) == Flask.url_for(app, endpoint[0], **{name: value})
