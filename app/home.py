"""The home page's lists: its columns of notices, its newest projects and its office cards (or a
province's directory of offices), written in Python where a Jinja loop cost too much, and kept
per process while what they show is unchanged (issue 14). The route is app.public's `home`."""

from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import gettext
from markupsafe import Markup, escape

from app import clock, i18n
from app.kept import KeptWhile
from app.urls import links
from notices import rules as notice_rules

#: Notices and projects on each office's card of the home page.
HOME_PER_OFFICE = 3
#: The newest projects of every office, above the cards.
HOME_LATEST_PROJECTS = 5


#: Languages × addresses whose lists a process keeps (emptied when full).
HOME_LISTS_KEPT = 16
_KEPT = KeptWhile("smallworks.home_lists", HOME_LISTS_KEPT)


def home_lists() -> Markup:
    """Everything the home page shows below its introduction: the columns of notices, the
    newest projects and the office cards (or, for a province, the directory of offices), in
    three statements whatever the number of offices — the offices, the notices
    (`notices.queries.home_notices`) and the projects (`home_project_lines`).

    Kept per process for each language and address (`address_key`) while what it is written
    from is unchanged (issue 14): the offices (the same object while the table is) and the
    notices' and projects' rows as the driver gives them — every value the lists show, each
    project's state as of now among them — are read on every request and compared; the
    notices' publicity states, the only part written from the clock, while it stays within
    `notices.rules.publicity_span`. Writing the lists (reading their rows into lines, the
    template) was ~0.45 ms of a page of 1.5; comparing their rows costs a few µs. A change,
    however made (a service, SQL by hand, another process), shows on the next request."""
    from app.offices.queries import grouped, office_index
    from app.offices.rules import home_shows_cards
    from contracts.queries.public import home_project_lines, home_project_rows
    from notices import queries

    offices = office_index()
    # Up to a few offices, each district with a card for itself and one per platform: their
    # latest notices and projects. Beyond them a directory of the offices, which reads
    # nothing but the offices.
    cards = home_shows_cards(len(offices))
    per_office = HOME_PER_OFFICE if cards else 0
    notices = queries.home_notice_rows(per_office)
    projects = home_project_rows(HOME_LATEST_PROJECTS, per_office)
    now = clock.now()
    address = current_app.address_key()
    slot = None if address is None else (str(i18n.request_locale()), address)
    inputs = (offices, notices, projects)
    found = _KEPT.get(slot, inputs, now)
    if found is not None:
        return found

    columns, notices_by_office = queries.home_notices(per_office, notices)
    latest_projects, projects_by_office = home_project_lines(
        HOME_LATEST_PROJECTS, per_office, projects
    )
    markup = Markup(  # noqa: S704 (the template's, escaped as it writes)
        render_template(
            "public/_home_lists.html",
            columns=columns,
            latest_projects=latest_projects,
            office_groups=grouped(),
            cards=cards,
            notices_by_office=notices_by_office,
            projects_by_office=projects_by_office,
            office_cards=office_cards,
            notice_columns=notice_columns,
            latest_project_lines=latest_project_lines,
            # The directory's links, hundreds for a province: built as the cards' are
            # (app.urls.links).
            office_link=None if cards else links("offices.detail", "code"),
        )
    )
    lines = [n for col in columns for n in col["items"]]
    lines += [n for found in notices_by_office.values() for n in found]
    since, until = notice_rules.publicity_span((n.publicity_ends_at for n in lines), now)
    _KEPT.put(slot, inputs, since, until, markup)
    return markup


def _words(message: str) -> Markup:
    """A translation as the templates' `_` gives it: the catalogue's text, not escaped again.

    The home page's words (`_HOME_WORDS`) are kept per app and language: Flask-Babel's
    `gettext` looks the domain, locale and catalogue up again on every call, and the columns
    and cards ask for sixteen (issue 14). A catalogue never changes while the process runs
    (app.i18n keeps them the same way); the language is still read on every call."""
    kept = current_app.extensions.setdefault("smallworks.home_words", {})
    locale = i18n.request_locale()
    words = kept.get(locale)
    if words is None:
        words = kept.setdefault(locale, {m: _translated(m) for m in _HOME_WORDS})
    found = words.get(message)
    return found if found is not None else _translated(message)


def _translated(message: str) -> Markup:
    return Markup(gettext(message))  # noqa: S704 (the catalogue's, as in every template)


#: The words of the home page's columns and office cards.
_HOME_WORDS = (
    *(label for _key, label, _types in notice_rules.COLUMNS),
    "不良行为处理记录",
    "政策制度、办事指南、示范文本和统一表式",
    "区公管办",
    "街道/镇平台",
    "全部公告",
    "全部项目",
    "更多",
    "各交易机构",
    "项目交易",
)


def notice_columns(columns, repeated, more) -> Markup:
    """The home page's columns of notices (`notices.queries.home_notices`), `<div
    class="columns">`: each column's heading linked to its list, its newest lines (written by
    `notice_lines` with `repeated`) and its links, `more` the words of the last one.

    Written here rather than as a Jinja loop (issue 14): the loop's macro call, links and
    lookups were half of the columns' time, ~0.3 ms of every home page. The markup is the
    loop's, byte for byte, whitespace included (tests/web/test_notice_columns.py renders both
    and compares them). What surrounds each column's lines is kept per process
    (`_column_frames`).
    """
    from notices.lines import notice_lines

    frames = _column_frames(
        tuple((col["key"], col["label"], tuple(col["types"])) for col in columns), more
    )
    out = ['<div class="columns">\n']
    for col, (head, tail) in zip(columns, frames, strict=True):
        out.append(head)
        out.append(notice_lines(col["items"], repeated, len(col["types"]) > 1, True))
        out.append(tail)
    out.append("\n</div>")
    return Markup("".join(out))  # noqa: S704 (every value above escaped or the catalogue's)


def _column_frames(columns: tuple, more: Markup) -> tuple[tuple[str, str], ...]:
    """What comes before and after each column's lines: its heading, its links and their
    words, the same on every home page. Kept per process by the columns, `more`, the language
    and the address (`kept_fragment`: the links are relative to it), as the layout's
    navigation is (issue 14): six links and their words were ~0.1 ms of every home page."""

    def frames() -> tuple[tuple[str, str], ...]:
        extra = {
            "oversight": (url_for("sanctions.index"), _words("不良行为处理记录")),
            "policy": (url_for("guides.index"), _words("政策制度、办事指南、示范文本和统一表式")),
        }
        out = []
        for key, label, types in columns:
            link = extra.get(key)
            url = escape(url_for("notices.index", type=",".join(types)))
            key = escape(key)
            out.append(
                (
                    f'\n  <section class="column panel" aria-labelledby="col-{key}">'
                    f'\n    <h2 id="col-{key}"><a href="{url}">{_words(label)}</a></h2>'
                    '\n    \n\n\n<ul class="notice-list">\n',
                    '\n</ul>\n\n    <p class="more">'
                    + ("" if link is None else f'<a href="{escape(link[0])}">{link[1]}</a> · ')
                    + f'<a href="{url}">{more} »</a></p>\n  </section>\n',
                )
            )
        return tuple(out)

    return current_app.kept_fragment("home-columns", columns, more, caller=frames)


def latest_project_lines(rows, more) -> Markup:
    """The home page's newest projects (`contracts.queries.public.ProjectLine`, at least one),
    `<section class="panel" aria-labelledby="latest-projects">`: each project's link, name,
    state and filing date, `more` the words of the link to every project.

    Written here rather than as a Jinja loop (issue 14), as the columns are: each state's badge
    and words looked up once, the links built by `app.urls.links`. The markup is the loop's,
    byte for byte (tests/web/test_notice_columns.py renders both and compares them)."""
    from contracts.views.public import state_badge, state_label
    from notices.lines import local_moment

    projects_url = escape(url_for("projects.index"))
    project_link = links("projects.detail", "code")
    states: dict = {}
    out = [
        '\n<section class="panel" aria-labelledby="latest-projects">'
        f'\n  <h2 id="latest-projects"><a href="{projects_url}">{_words("项目交易")}</a></h2>'
        '\n  <ul class="notice-list">\n  '
    ]
    for row in rows:
        if row.state not in states:
            states[row.state] = (escape(state_badge(row.state)), escape(state_label(row.state)))
        badge, words = states[row.state]
        at = local_moment(row.filed_at) if row.filed_at else ""
        out.append(
            f'\n    <li><a href="{escape(project_link(row.code))}">{escape(row.name)}</a>'
            f'\n      <span class="meta"><span class="badge {badge}">{words}</span>'
            f'<time datetime="{at}">{at[:10]}</time></span></li>\n  '
        )
    out.append(
        f'\n  </ul>\n  <p class="more"><a href="{projects_url}">{more} »</a></p>\n</section>\n'
    )
    return Markup("".join(out))  # noqa: S704 (every value above escaped or the catalogue's)


def office_cards(groups, lines, projects, repeated) -> Markup:
    """The home page's office cards, `<section class="offices-home">`: each district of
    `groups` (`app.offices.queries.grouped`) with a card for itself and one per platform, each
    card its newest notices (`lines` by office id, written by `notice_lines` with `repeated`),
    its newest projects (`projects` by office id, `contracts.queries.public.ProjectLine`) and
    its links.

    Written here rather than as a Jinja loop: a province has 400 offices, and the loop over
    their cards (1,600 links, 1,200 project lines) was two thirds of the page's time (issue
    14). The markup is the loop's, byte for byte, whitespace included
    (tests/web/test_office_cards.py renders both and compares them).
    """
    from contracts.views.public import state_badge, state_label
    from notices.lines import notice_lines

    office_link = links("offices.detail", "code")
    project_link = links("projects.detail", "code")
    kinds = {True: _words("区公管办"), False: _words("街道/镇平台")}
    states: dict = {}  # each project state's badge and words, looked up and escaped once a page
    out = [
        '<section class="offices-home" aria-labelledby="offices-h">\n  '
        f'<h2 id="offices-h" class="visually-hidden">{_words("各交易机构")}</h2>\n  '
    ]
    for district, platforms in groups:
        code, name = escape(district.code), escape(i18n.named(district))
        heading = (
            f'<h2 id="home-office-{code}"><a href="{escape(office_link(district.code))}">'
            f"{name}</a></h2>"
            if len(groups) > 1
            else f'<h2 id="home-office-{code}" class="visually-hidden">{name}</h2>'
        )
        out.append(
            f'\n  <section class="office-group" aria-labelledby="home-office-{code}">\n    '
            f'{heading}\n    <div class="columns">\n    '
        )
        for o in (district, *platforms):
            head, tail = _card_frame(o.code, i18n.named(o), o.is_district, kinds)
            out.append(head)
            out.append(notice_lines(lines.get(o.id, []), repeated, True, False))
            out.append("\n</ul>\n\n        \n        ")
            rows = projects.get(o.id)
            if rows:
                out.append('\n        <ul class="notice-list">\n        ')
                for row in rows:
                    if row.state not in states:
                        states[row.state] = (
                            escape(state_badge(row.state)),
                            escape(state_label(row.state)),
                        )
                    badge, words = states[row.state]
                    out.append(
                        f'\n          <li><a href="{escape(project_link(row.code))}">'
                        f'{escape(row.name)}</a>\n            <span class="meta">'
                        f'<span class="badge {badge}">{words}</span></span></li>'
                        "\n        "
                    )
                out.append("\n        </ul>\n        ")
            out.append(tail)
        out.append("\n    </div>\n  </section>\n  ")
    out.append("\n</section>")
    return Markup("".join(out))  # noqa: S704 (every value above escaped or the catalogue's)


def _card_frame(code: str, name: str, is_district: bool, kinds: dict) -> tuple[str, str]:
    """What comes before an office card's notices (its heading, linked, and its kind) and after
    its projects (its links), kept per process by what it shows — the office's code, its name
    in the language, its kind — the language and the address (`kept_fragment`, as the columns'
    `_column_frames`): five links and escapes a card were the same on every home page (issue
    14). `kinds`: the kinds' words in the language."""

    def frame() -> tuple[str, str]:
        escaped, url = escape(code), escape(url_for("offices.detail", code=code))
        head = (
            f'\n      <section class="column panel office-card" aria-labelledby="card-{escaped}">'
            f'\n        <h3 id="card-{escaped}"><a href="{url}">{escape(name)}</a>'
            f'\n          <span class="badge">{kinds[is_district]}</span></h3>\n        '
            '\n\n\n<ul class="notice-list">\n'
        )
        tail = (
            f'\n        <p class="more"><a href="{escape(url_for("notices.index", office=code))}">'
            f"{_words('全部公告')}</a> · "
            f'<a href="{escape(url_for("projects.index", office=code))}">{_words("全部项目")}'
            f'</a> · <a href="{url}">{_words("更多")} »</a></p>\n      </section>\n    '
        )
        return head, tail

    return current_app.kept_fragment("home-card", code, name, is_district, caller=frame)
