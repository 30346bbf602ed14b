"""A draw's record page as its row decides it — the published record, the verifier's verdict, the
frozen candidates and the ranking — worked out once per process for a draw that can no longer
change (issue 14)."""

from __future__ import annotations

import dataclasses
import functools

from app.api import time_iso
from lottery import queries, rules, verify

#: How many drawn or abandoned draws' record pages each process keeps worked out (a few KB each;
#: a pool's ranking of a few hundred companies, some tens of KB).
_PAGES_KEPT = 256


@dataclasses.dataclass(frozen=True, slots=True)
class RecordPage:
    """What a draw's record page shows that its row alone decides: the draw (queries.draw_of,
    read-only), its published record, the verifier's verdict (None before the draw), the frozen
    candidates (`candidate_rows`) and the ranking (`ranking_rows`)."""

    draw: object
    record: dict
    verdict: verify.Verdict | None
    candidates: list
    rows: list


def record_page(row) -> RecordPage:
    """The record page of a draw read by queries.page_row. A drawn or abandoned draw never
    changes again (lottery.models: its trigger refuses any change and every DELETE), so its page
    is worked out once per process and kept under the whole row, every column's value: another
    row — another database, a restored backup — is another key, never a stale page. A committed
    draw changes at its draw and is worked out on each request."""
    if row.status == "committed":
        return _worked_out(tuple(row), row._fields)
    return _kept(tuple(row), row._fields)


def _worked_out(values: tuple, names: tuple) -> RecordPage:
    d = queries.draw_of(dict(zip(names, values, strict=True)))
    record = rules.published_record(d, time_iso)
    return RecordPage(
        draw=d,
        record=record,
        verdict=verify.verify_record(record) if not d.is_committed else None,
        candidates=candidate_rows(d, record),
        rows=ranking_rows(d),
    )


_kept = functools.lru_cache(maxsize=_PAGES_KEPT)(_worked_out)


def body_key(row) -> tuple:
    """What the body of a draw's record page is kept under (app.urls.kept_part, with the
    record's address, the office's name, the language and the address of the links): the
    draw's whole row, every column's value. The body shows nothing else: a step of the draw
    (entropy entered, the draw, an abandonment) changes the row, and so the key; the staff's
    link to a committed draw's console, the one part that depends on the visitor, follows the
    body (templates/lottery/detail.html)."""
    return tuple(row)


def ranking_rows(d) -> list[dict]:
    """The result as the record page and the meeting screen list it: place, id, name, selected or
    which alternate."""
    rows = []
    for place, candidate in enumerate(d.result or [], start=1):
        selected = d.kind == "pick" or place <= d.winners
        rows.append(
            {
                "place": place,
                "id": candidate,
                "label": d.label(candidate),
                "selected": selected,
                "alternate": 0 if selected else place - d.winners,
            }
        )
    return rows


def candidate_rows(d, record: dict) -> list[tuple[str, str, bool]]:
    """The frozen candidates as the record page lists them: (id, name, whether the name says more
    than the id: rules.label_adds), worked out here, not by two template calls per candidate."""
    rows = []
    for candidate in record["candidates"] or ():
        name = d.label(candidate)
        rows.append((candidate, name, rules.label_adds(candidate, name)))
    return rows
