"""The transaction rule: a service alone commits; called inside another it joins, and only the
outermost commits or rolls back (app/transactions.py)."""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import event, select

from app import audit
from app.audit import Action, AuditEntry
from app.extensions import db
from app.storage import get_storage, store_upload
from app.transactions import (
    TransactionAborted,
    after_commit,
    after_rollback,
    in_transaction,
    transactional,
)


class Refused(Exception):
    """A stand-in refusal raised inside a test service."""


def write(tag: str) -> None:
    audit.record(Action.DRAW_COMMITTED, "test", tag)


def written() -> list[str]:
    """What the database holds, read on a connection of its own (not this session's)."""
    with db.engine.connect() as conn:
        return list(
            conn.scalars(
                select(AuditEntry.subject_id)
                .where(AuditEntry.subject_type == "test")
                .order_by(AuditEntry.seq)
            )
        )


@pytest.fixture
def commits(app):
    """The number of commits the session made during the test."""
    seen = []

    def count(session):
        seen.append(session)

    event.listen(db.session(), "after_commit", count)
    yield seen
    event.remove(db.session(), "after_commit", count)


@transactional
def inner(tag: str = "inner", *, fail: bool = False) -> str:
    write(tag)
    if fail:
        raise Refused(tag)
    return tag


def test_a_service_called_alone_commits(app, commits):
    assert inner() == "inner"
    assert len(commits) == 1
    assert written() == ["inner"]
    assert not in_transaction()


def test_a_service_called_alone_rolls_back_its_writes_on_error(app, commits):
    with pytest.raises(Refused):
        inner(fail=True)
    assert commits == []
    assert written() == []


def test_an_inner_service_joins_and_commits_nothing_before_the_outer_ends(app, commits):
    seen_inside = []

    @transactional
    def outer():
        write("outer-1")
        inner()
        assert in_transaction()
        seen_inside.extend(written())  # what another connection sees meanwhile
        write("outer-2")

    outer()
    assert seen_inside == []
    assert len(commits) == 1  # the outermost only
    assert written() == ["outer-1", "inner", "outer-2"]
    assert not in_transaction()


def test_an_inner_failure_rolls_back_the_outer_writes(app, commits):
    @transactional
    def outer():
        write("outer")
        inner("second")
        inner("third", fail=True)
        write("never")

    with pytest.raises(Refused):
        outer()
    assert commits == []
    assert written() == []
    assert not in_transaction()


def test_an_outer_failure_after_an_inner_success_leaves_nothing(app, commits):
    @transactional
    def outer():
        inner()
        raise Refused("outer")

    with pytest.raises(Refused):
        outer()
    assert written() == []


def test_an_outer_that_swallows_an_inner_error_cannot_commit(app, commits):
    """No savepoint undid the inner call's writes: carrying on would commit them half-done."""

    @transactional
    def outer():
        write("outer")
        with contextlib.suppress(Refused):
            inner(fail=True)

    with pytest.raises(TransactionAborted):
        outer()
    assert commits == []
    assert written() == []
    inner("next")  # the session is usable again
    assert written() == ["next"]


def test_three_levels_deep_only_the_outermost_commits(app, commits):
    @transactional
    def middle():
        inner("a")
        inner("b")

    @transactional
    def outer():
        middle()
        middle()

    outer()
    assert len(commits) == 1
    assert written() == ["a", "b", "a", "b"]


def test_the_depth_goes_with_a_removed_session(app):
    """A session removed mid-way (end of a request or test) leaves no depth to the next one."""

    @transactional
    def leaves():
        db.session.remove()
        raise Refused("gone")

    with pytest.raises(Refused):
        leaves()
    assert not in_transaction()
    inner()
    assert written() == ["inner"]


def test_clean_ups_run_after_the_outermost_commit_or_rollback_only(app):
    done = []

    @transactional
    def outer(fail: bool):
        after_commit(lambda: done.append("committed"))
        after_rollback(lambda: done.append("rolled back"))
        inner()
        assert done == []
        if fail:
            raise Refused("outer")

    outer(False)
    assert done == ["committed"]
    done.clear()
    with pytest.raises(Refused):
        outer(True)
    assert done == ["rolled back"]
    done.clear()
    after_commit(lambda: done.append("now"))  # outside a transaction: at once
    assert done == ["now"]


def test_a_failing_clean_up_neither_fails_a_commit_nor_hides_the_error(app):
    def boom():
        raise OSError("disk")

    @transactional
    def outer(fail: bool):
        after_commit(boom)
        after_rollback(boom)
        write("x")
        if fail:
            raise Refused("outer")

    outer(False)
    with pytest.raises(Refused):
        outer(True)
    assert written() == ["x"]


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _exists(key: str) -> bool:
    try:
        get_storage().open(key).close()
    except FileNotFoundError:
        return False
    return True


def test_an_upload_stays_if_the_outermost_commits_and_goes_if_it_rolls_back(app):
    keys = []

    @transactional
    def upload():
        keys.append(store_upload(PDF, 10_000).key)

    @transactional
    def outer(fail: bool):
        upload()
        assert _exists(keys[-1])
        if fail:
            raise Refused("after the upload")

    outer(False)
    assert _exists(keys[0])
    with pytest.raises(Refused):
        outer(True)
    assert not _exists(keys[1])


def test_an_upload_outside_a_service_is_refused(app):
    """Nobody would remove the file of a failed use case."""
    with pytest.raises(RuntimeError, match="@transactional"):
        store_upload(PDF, 10_000)
