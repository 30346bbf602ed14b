"""The notices API's pages as keys (notices.entries), read as records and held to
`notices.records.published_records`: the same records, in the same order, and the same window."""

from __future__ import annotations

from notices import entries, records


def _plain(record: records.NoticeRecord) -> tuple:
    return (tuple(record.columns), record.corrections, [tuple(a) for a in record.attachments])


def entries_as_records(types, cursor, per_page, office_ids=None, since=None):
    """`entries.published_entries`' page, its keys made into records, after checking them and
    its window against `published_records`' (the walk then checks the pages themselves)."""
    page = entries.published_entries(types, cursor, per_page, office_ids, since=since)
    old = records.published_records(types, cursor, per_page, office_ids, since=since)
    got = [entries.record_of(key) for key in page.keys]
    assert [_plain(r) for r in got] == [_plain(r) for r in old.items], cursor
    window = page.window
    assert (window.has_next, window.has_prev, window.after, window.before) == (
        old.has_next,
        old.has_prev,
        old.after,
        old.before,
    ), cursor
    window.items = got
    return window
