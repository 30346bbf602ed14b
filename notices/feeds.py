"""Atom feeds of the published notices (feedgen): all of them, of some types, of an office, of
a pool category — the filters of the notice list (`?type=`, `?office=`, `?category=`), so that a
reader follows exactly what a list shows. Each entry is a notice: its title, its public page, when it was published, its type
and issuing body, and whether it has been corrected; the text is on the page (a feed reader sees
what the public sees, never a draft)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from app import clock
from app.i18n import loc, named
from app.urls import public_base_url
from notices import queries, rules
from notices.categories import Category

#: Entries in a feed: the newest notices; older ones are on the lists.
FEED_ENTRIES = 50

ATOM = "application/atom+xml; charset=utf-8"


def atom(
    site_name: str,
    types: tuple[str, ...],
    office_ids: list[int] | None,
    office_code: str | None,
    category: Category | None = None,
) -> bytes:
    """The feed of the newest published notices of `types` (all when empty), of the offices
    `office_ids` (None: every office) and of a pool category (None: all)."""
    base = public_base_url()
    args = {
        "type": ",".join(types) or None,
        "office": office_code or None,
        "category": category.code if category else None,
    }
    self_url = base + url_for("notices.feed", **args)
    page = queries.published_page(
        types, 1, FEED_ENTRIES, office_ids, category.code if category else None
    )
    heading = "、".join(_(rules.NOTICE_TYPES[t].label) for t in types) or _("全部公告")
    if category:
        heading = f"{named(category)} · {heading}"
    # Imported here, not with the module: feedgen brings lxml, 6 MB of every web worker that
    # the feed alone needs (issue 14).
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(f"{heading} - {site_name}")
    fg.subtitle(_("本平台发布的公告，最新的在前"))
    fg.link(href=base + url_for("notices.index", **args), rel="alternate", type="text/html")
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.language(loc("zh-CN", "en"))
    fg.generator("smallworks")
    newest = None
    # feedgen lists entries in the reverse order of adding: oldest first, so the newest leads.
    for n in reversed(page.items):
        url = base + url_for("notices.detail", notice_id=n.id)
        corrected = n.published_corrections
        updated = max([n.published_at, *(c.published_at for c in corrected)])
        newest = max(newest or updated, updated)
        entry = fg.add_entry()
        entry.id(url)
        entry.title(n.title)
        entry.link(href=url, rel="alternate", type="text/html")
        entry.published(n.published_at)
        entry.updated(updated)
        entry.author(name=n.issuing_body or site_name)
        entry.category(term=n.type, label=_(rules.NOTICE_TYPES[n.type].label))
        summary = f"{_(rules.NOTICE_TYPES[n.type].label)} · {n.issuing_body}"
        if corrected:
            summary += " · " + _("已更正")
        entry.summary(summary)
    fg.updated(newest or clock.now())  # an empty feed: as of now
    return fg.atom_str(pretty=True)
