"""Where a pool call's notices lead (notices.related): the call's page and, once committed, the
draws of its categories (`<call code>-<category code>`, recorded on each category)."""

from __future__ import annotations

from flask import url_for

from app.i18n import loc
from contractors.queries.calls import call_draws
from notices.related import RelatedLink


def notice_links(notice, viewer) -> list[RelatedLink]:
    """The links of a notice whose subject is a pool call (its code or id in `subject_id`)."""
    rows = call_draws(notice.subject_id)
    if not rows or rows[0].call_notice_id is None:
        return []
    call_id, code = rows[0].id, rows[0].code
    links = [
        RelatedLink(loc("征集页面", "Pool call page"), url_for("pool.call", call_id=call_id), code)
    ]
    # A category's draw is recorded on it in the transaction that commits the draw
    # (contractors.services.review): no statement to ask which draws exist.
    links += [
        RelatedLink(
            loc(f"入围企业摇号（{r.name}）", f"Draw of the pool members ({r.name})"),
            url_for("draws.detail", draw_id=r.draw_id),
            r.draw_id,
        )
        for r in rows
        if r.draw_id is not None
    ]
    return links
