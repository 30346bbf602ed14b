"""The draw meeting's entropy → review → confirm flow, written once for every meeting page.

At a public draw meeting staff type the entries the attendees call out (step 1); the owner's
service puts them on the meeting screen, and the review page shows exactly what the screen shows
(step 2); the confirmation carries those entries and the fingerprint of the reviewed candidates
to the owner's draw service, which refuses anything else (`lottery.rules.check_as_shown` under the
row lock, `lottery.rules.as_reviewed`). The lottery console, the pool meeting and the award meeting
each pass their own services, pages and texts; the partial `templates/lottery/_meeting_flow.html`
draws the parts their pages share.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import abort, flash, redirect, request
from flask_babel import gettext as _

from app.errors import DomainError
from app.forms import abort_for_role_or_record
from app.i18n import localized
from lottery import rules

#: What a view returns (a rendered page with its status, or a redirect).
Response = Any
#: A page's own answer to a refusal it handles itself, or None to take the default.
Refusal = Callable[[DomainError], Response | None]


def error_onto_entries(form, message: str) -> None:
    """A refusal of the typed entries, shown on the entries field."""
    form.entries.errors = [*form.entries.errors, message]


def entries_step(
    form,
    *,
    page: Callable[[Any, int], Response],
    show: Callable[[list[str]], Sequence[str]] | None,
    review: Callable[[list[str]], Response],
    guard: Callable[[], Response | None] | None = None,
    refuse: Refusal | None = None,
) -> Response:
    """Step 1 → 2: the posted entries, shown on the meeting screen, then the review page.

    `form` is the posted entropy form (an `entries` textarea); `page(form, status)` renders step 1
    again; `guard()` answers when the meeting may not be held now (else None); `show(entries)` is
    the owner's show-service and returns the entries as recorded — None when nothing will be drawn
    (an award meeting with too few respondents), then the review has no entries; `review(entries)`
    renders step 2; `refuse(e)` answers a refusal the page handles itself, else it goes on the
    entries field. "Back to edit" posts the reviewed entries (`entropy`) with `edit`."""
    if guard is not None and (answer := guard()) is not None:
        return answer
    if request.form.get("edit"):
        # Back from the review step with the entries as they were, to change them.
        form.entries.data = "\n".join(request.form.getlist("entropy"))
        return page(form, 200)
    if not form.validate_on_submit():
        return page(form, 400)
    if show is None:
        return review([])
    try:
        entries = rules.parse_entropy_lines(form.entries.data or "")
    except rules.RuleError as e:
        error_onto_entries(form, localized(e))
        return page(form, 400)
    try:
        shown = list(show(entries))
    except DomainError as e:
        abort_for_role_or_record(e)
        if refuse is not None and (answer := refuse(e)) is not None:
            return answer
        error_onto_entries(form, e.localized())
        return page(form, 400)
    return review(shown)


def confirm_step(
    form,
    *,
    confirm: Callable[[list[str], str], Any],
    done: Callable[[Any], Response],
    back: str,
    refuse: Refusal | None = None,
) -> Response:
    """Step 2 → drawn: the owner's draw service with exactly the reviewed entries.

    `form` is the posted confirmation (hidden `entropy` entries and `candidates_digest`);
    `confirm(entries, reviewed_digest)` is the owner's draw service, which refuses entries other
    than those on the screen and candidates other than those reviewed; `done(result)` answers
    success; a refusal is flashed and sends staff to `back`, unless `refuse(e)` answers it."""
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        # Posted without the reviewed candidates (not from the review page): nothing is drawn;
        # back to step 1 to enter the entries and review them.
        flash(_("未经核对页面确认，未摇号：请录入现场公开随机数并核对后再确认"), "error")
        return redirect(back)
    try:
        result = confirm(list(form.entropy.data or []), form.candidates_digest.data or "")
    except DomainError as e:
        abort_for_role_or_record(e)
        if refuse is not None and (answer := refuse(e)) is not None:
            return answer
        flash(e.localized(), "error")
        return redirect(back)
    return done(result)
