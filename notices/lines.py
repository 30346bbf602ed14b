"""The lines of a public notice list (templates/_macros/notices.html `notice_list`), written here.

The home page draws 12 lists, `/notices/` one of 20 lines: as a Jinja loop each line cost ~15
µs of template calls and escapes (issue 14); here it is one format of the line's values. The
markup is the macro's, byte for byte, whitespace included (tests/web/test_notice_lines.py
renders both and compares them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from flask import current_app, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from app import clock, i18n
from app.offices.queries import office_index
from notices import rules

#: `localtime` of a line's publication, as the `<time>` element gives it.
_MOMENT = "%Y-%m-%dT%H:%M:%S+08:00"


@dataclass(frozen=True, slots=True)
class ListWords:
    """The words every line of a notice list may repeat, in one language: the publicity and
    correction badges, each type's label, and the empty list's line; and the list's heading
    when it shows every type."""

    running: Markup
    ended: Markup
    corrected: Markup
    types: dict[str, Markup]
    empty: Markup
    #: The heading of the list of every type (全部公告).
    everything: Markup


@dataclass(frozen=True, slots=True)
class ListRepeats:
    """What every line of a notice list repeats: its words, and a notice's link without its
    id (`/notices/`: the route is `/notices/<int:notice_id>`, whose id is written as the
    number, so a line appends it rather than build each link)."""

    words: ListWords
    detail: str
    #: Each office's name as a line shows it (escaped), by id, filled as the lines ask: the
    #: request's offices and language do not change while it runs.
    office_names: dict[int, Markup] = field(default_factory=dict)


def _safe(message: str) -> Markup:
    """A translation as the templates' `_` gives it: the catalogue's text, not escaped again."""
    return Markup(_(message))  # noqa: S704 (the catalogue's, as in every template)


def list_words(kept: dict) -> ListWords:
    """The `ListWords` of the request's language, kept per language in `kept` (one dictionary
    per app): they are the catalogue's, which never changes while the process runs (app.i18n
    keeps catalogues the same way); the language is still read on every call, as the request
    keeps it (app.i18n.request_locale: Flask-Babel's get_locale cost ~10 µs a call)."""
    locale = i18n.request_locale()
    words = kept.get(locale)
    if words is None:
        words = kept.setdefault(
            locale,
            ListWords(
                running=_safe("公示中"),
                ended=_safe("已结束"),
                corrected=_safe("已更正"),
                types={code: _safe(t.label) for code, t in rules.NOTICE_TYPES.items()},
                empty=_safe("暂无公告"),
                everything=_safe("全部公告"),
            ),
        )
    return words


def notice_list_repeated(kept: dict) -> ListRepeats:
    """`ListRepeats` for the request: once for a page rather than once for each of its lines
    (issue 14). The words are kept per language in `kept` (`list_words`)."""
    return ListRepeats(list_words(kept), url_for("notices.detail", notice_id=0).removesuffix("0"))


def app_words() -> ListWords:
    """`list_words` kept by the current app."""
    return list_words(current_app.extensions.setdefault("smallworks.list_words", {}))


def app_repeated() -> ListRepeats:
    """`notice_list_repeated` with the words kept by the current app (the templates' global
    `notice_list_repeated`)."""
    return notice_list_repeated(current_app.extensions.setdefault("smallworks.list_words", {}))


#: The columns of `queries.line_columns`, in its order: a row that starts with them is read by
#: position (a Row's attribute costs ~0.5 µs, seven of them a line).
LINE_FIELDS = (
    "id",
    "type",
    "title",
    "office_id",
    "published_at",
    "publicity_ends_at",
    "corrected",
)


def _values(items) -> list[tuple]:
    """Each item's values in `LINE_FIELDS`' order. The rows of one statement share their
    fields; a Notice (an office's page) has no `corrected`, and is read by name."""
    if getattr(items[0], "_fields", ())[: len(LINE_FIELDS)] == LINE_FIELDS:
        return [n[: len(LINE_FIELDS)] for n in items]
    return [
        (
            n.id,
            n.type,
            n.title,
            getattr(n, "office_id", None),
            n.published_at,
            n.publicity_ends_at,
            getattr(n, "corrected", None),
        )
        for n in items
    ]


@lru_cache(maxsize=4096)
def local_moment(published_at: datetime) -> str:
    """`localtime` of a line's publication (or of a project's filing, `app.home`), as the
    `<time>` element gives it: kept per process by the moment (issue 14), whose pure function
    it is — 3–5 µs a line, and the home page shows most notices twice (in its column and on
    its office's card), every page the same ones again."""
    return clock.local(published_at).strftime(_MOMENT)


def notice_lines(items, repeated: ListRepeats, show_type: bool, show_office: bool) -> Markup:
    """The `<li>` of each notice (a row of `queries.line_columns`, or a Notice), or the empty
    list's line: what the macro's loop wrote."""
    words = repeated.words
    if not items:
        return Markup(f'\n  <li class="empty">{words.empty}</li>\n')  # noqa: S704 (the catalogue's)
    offices = office_index() if show_office else None
    names = repeated.office_names
    now = clock.now()
    running, ended = rules.Publicity.RUNNING, rules.Publicity.ENDED
    parts = []
    for notice_id, type_, title, office_id, published_at, ends_at, corrected in _values(items):
        kind = words.types.get(type_, "") if show_type else None
        office = None
        if show_office and office_id in offices:
            office = names.get(office_id)
            if office is None:
                office = names[office_id] = escape(i18n.named(offices[office_id]))
        state = rules.publicity_state(ends_at, now)
        at = local_moment(published_at) if published_at else ""
        parts.append(
            f'\n  <li>\n    <a href="{repeated.detail}'
            f'{notice_id if type(notice_id) is int else escape(notice_id)}">{escape(title)}</a>'
            '\n    <span class="meta">\n      '
            + ("" if kind is None else f'<span class="type">{kind}</span>')
            + "\n      "
            + ("" if office is None else f'<span class="office">{office}</span>')
            + "\n      \n      "
            + (
                f'<span class="badge badge-running">{words.running}</span>\n      '
                if state == running
                else f'<span class="badge badge-ended">{words.ended}</span>'
                if state == ended
                else ""
            )
            + "\n      "
            + (f'<span class="badge badge-corrected">{words.corrected}</span>' if corrected else "")
            + f'\n      <time datetime="{at}">{at[:10]}</time>\n    </span>\n  </li>\n'
        )
    return Markup("".join(parts))  # noqa: S704 (every value above escaped or the catalogue's)


@dataclass(frozen=True, slots=True)
class _KeptList:
    """A list as last written from some rows in a language and at an address (`kept_list`):
    the offices it named and the moments its publicity states hold (`since`, `until`)."""

    offices: Mapping
    since: datetime
    until: datetime
    markup: Markup


#: Lists (rows × languages × addresses) a process keeps (emptied when full).
LISTS_KEPT = 64


def kept_list(raw: tuple, typed: Callable[[tuple], list], repeated: Callable[[], ListRepeats]):
    """The notice list (`<ul class="notice-list">`, as the macro `notice_list` writes it with
    its type and office) of the rows `raw` as the driver gave them (app.reads.driver_rows);
    `typed` reads them into lines, `repeated` gives the page's `ListRepeats`.

    Kept per process while what it is written from is unchanged (issue 14; app.home keeps the
    home page's lists the same way): by the rows themselves — every value a line shows — the
    language and the address (the links are relative to it), while the offices are the same
    object (app.offices.queries.office_index: a renamed office is another) and the clock is
    within the span in which none of the lines' publicities changes state
    (`rules.publicity_span`). The rows are read on every request; only reading them into lines
    and writing them are skipped. The display mode does not change the list (only the layout's
    `<html>` class). Rows changed however (a service, SQL by hand, another process) are
    another key at the next request."""
    offices = office_index()
    now = clock.now()
    address = current_app.address_key()
    key = None if address is None else (raw, str(i18n.request_locale()), address)
    kept = current_app.extensions.setdefault("smallworks.notice_lists", {})
    last = None if key is None else kept.get(key)
    if last is not None and last.offices is offices and last.since <= now < last.until:
        return last.markup
    items = typed(raw) if raw else []
    markup = Markup(  # noqa: S704 (notice_lines': every value escaped or the catalogue's)
        f'\n\n\n<ul class="notice-list">\n{notice_lines(items, repeated(), True, True)}\n</ul>\n'
    )
    since, until = rules.publicity_span((n.publicity_ends_at for n in items), now)
    # The lines read the clock as they were written, after `now`: kept only if no end came
    # between.
    if key is not None and clock.now() < until:
        if len(kept) >= LISTS_KEPT:
            kept.clear()
        kept[key] = _KeptList(offices, since, until, markup)
    return markup
