"""A published notice's article on its public page (templates/notices/_article.html), kept per
process while what it shows is unchanged (issue 14), as the home page's lists are (app.home).
The route is notices.views' `detail`."""

from __future__ import annotations

from flask import current_app, render_template
from markupsafe import Markup

from app import clock, i18n
from app.kept import KeptWhile
from app.offices.queries import office_index
from notices import rules
from notices.page import PageNotice

#: Notices × languages × addresses whose articles a process keeps (emptied when full).
ARTICLES_KEPT = 256
#: Where an app keeps them (its `extensions`).
_KEPT = KeptWhile("smallworks.notice_articles", ARTICLES_KEPT)


def article(notice: PageNotice, rows: tuple, related: list) -> Markup:
    """The article of `notice` (notices.page.published_notice, `rows` the driver's rows it was
    read from) with its `related` links (notices.related, for the visitor): what
    `{% include "notices/_article.html" %}` writes on the notice's page, byte for byte.

    Kept per process for each notice, language and address (`address_key`: the links are
    relative to it) while everything it is written from is equal to what this request read:
    the notice's rows (its columns, files, published corrections, the notice it corrects), the
    offices (the same object while the table is: its office's name and district), the SMS
    proof and whether the backend gives receipts, the related links, the body as HTML (its
    draw ids linked to the draws that exist) — and while the clock is within the span in which
    its publicity reads as it did (`notices.rules.publicity_span`). The template's own calls,
    links and filters were ~0.08 ms of a page of ~1.0; the reads are made on every request, so
    a change, however made (a service, SQL by hand, another process), shows on the next one."""
    globals_ = current_app.jinja_env.globals
    proof = globals_["sms_proof"](notice) if notice.is_published else None
    receipts = bool(globals_["sms_receipts"]())
    body = current_app.jinja_env.filters["notice_html"](notice.body)
    offices = office_index()
    related = tuple(related)
    now = clock.now()
    address = current_app.address_key()
    slot = None if address is None else (notice.id, str(i18n.request_locale()), address)
    inputs = (offices, rows, proof, receipts, related, body)
    found = _KEPT.get(slot, inputs, now)
    if found is not None:
        return found

    markup = Markup(  # noqa: S704 (the template's, escaped as it writes)
        render_template(
            "notices/_article.html",
            notice=notice,
            preview=False,
            related=list(related),
            article_proof=proof,
            article_body=body,
        )
    )
    since, until = rules.publicity_span((notice.publicity_ends_at,), now)
    _KEPT.put(slot, inputs, since, until, markup)
    return markup
