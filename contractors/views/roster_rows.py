"""The rows of the public roster (templates/contractors/public/roster.html), written here.

A district's roster is 500 rows: as a Jinja loop each row cost ~40 µs of template calls, escapes
and lookups, most of `/pool/?office=` at province scale (issue 14); here it is one format of the
row's values, with what the rows share (the words, each district's cell, each category's label,
the company links' model URL: `app.urls.links`) made once for the page. The markup is the loop's,
byte for byte (tests/web/test_roster_rows.py renders both and compares them).
"""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from markupsafe import Markup, escape

from app.i18n import named
from app.urls import links

_DAY = timedelta(days=1)


def roster_rows(members, districts: dict, words: dict, show_category: bool) -> Markup:
    """The `<tr>` of each member (a `contractors.queries.Member`), as the roster's loop wrote
    them: `districts` the roster's by id, `words` the column names and the badge as the page
    looked them up (`no`, `category`, `name`, `district`, `uscc`, `since`, `until`, `state`,
    `in_pool`), the category column only when `show_category`."""
    # The roster's blueprint module, which imports this one.
    from contractors.views.public import category_label

    w = {key: escape(value) for key, value in words.items()}
    company = links("pool.contractor", "uscc")
    cells: dict = {}
    labels: dict = {}
    parts = []
    for i, m in enumerate(members, start=1):
        category = ""
        if show_category:
            label = labels.get(m.category_name)
            if label is None:
                label = labels[m.category_name] = escape(category_label(m.category_name))
            category = f'<td data-label="{w["category"]}">{label}</td>'
        cell = cells.get(m.district_id)
        if cell is None:
            office = districts.get(m.district_id)
            cell = cells[m.district_id] = (
                f'<a href="{escape(url_for("pool.roster", office=office.code))}">'
                f"{escape(named(office))}</a>"
                if office
                else ""
            )
        uscc = m.uscc
        parts.append(
            f'\n      <tr>\n        <td data-label="{w["no"]}">{i}</td>\n        {category}'
            f'\n        <td data-label="{w["name"]}"><a href="{escape(company(uscc))}">{escape(m.name)}</a></td>'
            f'\n        <td data-label="{w["district"]}">{cell}</td>'
            f'\n        <td data-label="{w["uscc"]}"><code>{escape(uscc)}</code></td>'
            f'\n        <td data-label="{w["since"]}">{escape(m.since.isoformat())}</td>'
            f'\n        <td data-label="{w["until"]}">{escape((m.until - _DAY).isoformat())}</td>'
            f'\n        <td data-label="{w["state"]}"><span class="badge badge-running">'
            f"{w['in_pool']}</span></td>\n      </tr>\n    "
        )
    return Markup("".join(parts))  # noqa: S704 (every value above escaped or the catalogue's)
