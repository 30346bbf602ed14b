"""Walking a keyset list (app.keyset) every way a visitor can, for tests that compare its pages
with another reading of the same rows."""

from __future__ import annotations

from app.keyset import Cursor


def walked_pages(read, ident) -> list[list[int]]:
    """The ids (`ident(item)`) of the pages of `read(cursor)` walked forward by `after`; walked
    back by `before` from the last, and by number, they must be the same pages."""
    forward = [read(Cursor(page=1))]
    while forward[-1].has_next:
        forward.append(read(Cursor(after=forward[-1].after)))
    back = [forward[-1]]
    while back[-1].has_prev:
        back.append(read(Cursor(before=back[-1].before)))
    numbered = [read(Cursor(page=n)) for n in range(1, len(forward) + 2)]
    ids = [[ident(n) for n in w.items] for w in forward]
    assert [[ident(n) for n in w.items] for w in reversed(back)] == ids
    assert [[ident(n) for n in w.items] for w in numbered] == [*ids, []]
    assert not forward[-1].has_next and numbered[-1].has_prev
    return ids
