"""What a sanction does beyond its own record: the notice bodies, and a removal's reserve entering
the roster (published as a correction of the roster, in the removal's transaction)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from app import audit, clock
from app.audit import Action
from app.extensions import db
from contractors.models import PoolCall, PoolCallCategory, PoolSelection
from contractors.rules import SelectionStatus
from notices import services as notices
from notices.markup import body
from notices.rules import legal_basis

from .models import ReserveEntry, Sanction

FIELD_LABELS = {"basis": "处理依据", "decision": "处理决定", "until": "暂停期限最后一日"}


def sanction_body(s: Sanction) -> str:
    """Art. 8: name, credit code, act, basis, decision, date and deciding body, and how long the
    record is shown (art. 9)."""
    return body(
        "sanction",
        s=s,
        decided_on=clock.local(s.decided_at).date(),
        last_day=s.until - timedelta(days=1) if s.until else None,
        shown_last=s.shown_until - timedelta(days=1) if s.shown_until else None,
    )


def change_body(s: Sanction, before: dict, after: dict, reason: str, approver: str) -> str:
    def shown(field: str, value: str) -> str:
        # `until` is stored exclusive; the public reads the last day of the suspension.
        if field == "until":
            return (date.fromisoformat(value) - timedelta(days=1)).isoformat()
        return value

    rows = [(FIELD_LABELS[k], shown(k, before[k]), shown(k, after[k])) for k in after]
    return body("sanction_correction", s=s, rows=rows, reason=reason, approver=approver)


def reserves_enter(s: Sanction, *, actor) -> list[ReserveEntry]:
    """A removed member's place in each category it holds (a running selection) goes to the
    category's first reserve (lowest position) from the day after the removal takes effect;
    one correction of each call's roster says so. The unique keys of ReserveEntry hold "once".
    Only the pool of the deciding district is touched: a company removed by district A stays
    in district B's pool, and A's reserve enters A's roster only."""
    today = clock.today()
    enters_on = max(s.starts_on, today) + timedelta(days=1)
    held = db.session.scalars(
        select(PoolSelection)
        .join(PoolCallCategory, PoolSelection.call_category_id == PoolCallCategory.id)
        .join(PoolCall, PoolCallCategory.call_id == PoolCall.id)
        .where(
            PoolCall.office_id.is_(None)
            if s.office_id is None
            else PoolCall.office_id == s.office_id,
            PoolSelection.contractor_id == s.contractor_id,
            PoolSelection.status == SelectionStatus.SELECTED,
            PoolSelection.since.is_not(None),
            PoolSelection.until > enters_on,
        )
        .order_by(PoolSelection.id)
    ).all()
    by_call: dict[int, list[tuple[PoolSelection, PoolSelection]]] = {}
    for removed in held:
        already = db.session.scalar(
            select(ReserveEntry.id).where(ReserveEntry.removed_selection_id == removed.id)
        )
        reserve = db.session.scalar(
            select(PoolSelection)
            .where(
                PoolSelection.call_category_id == removed.call_category_id,
                PoolSelection.status == SelectionStatus.RESERVE,
            )
            .order_by(PoolSelection.position)
            .limit(1)
        )
        if already is not None or reserve is None:
            continue
        by_call.setdefault(removed.call_category.call_id, []).append((removed, reserve))
    entries = []
    for call_id, pairs in by_call.items():
        call = db.session.get(PoolCall, call_id)
        if call.roster_notice_id is None:
            continue
        rows = []
        for removed, reserve in pairs:
            last = db.session.scalar(
                select(func.max(PoolSelection.position)).where(
                    PoolSelection.call_category_id == removed.call_category_id,
                    PoolSelection.status == SelectionStatus.SELECTED,
                )
            )
            reserve.status = SelectionStatus.SELECTED
            reserve.position = (last or 0) + 1
            reserve.since, reserve.until = enters_on, removed.until
            cc = db.session.get(PoolCallCategory, removed.call_category_id)
            rows.append((cc.category.name, reserve.contractor, enters_on))
        notice = notices.publish_new(
            notices.NoticeInput(
                type="correction",
                title=f"{call.title}入围企业名单更正（候补递补）",
                **notices.issuer(call.office_id),
                legal_basis=legal_basis("correction", "reserve_enters"),
                body=body(
                    "reserve_entry",
                    call=call,
                    removed=s.contractor,
                    removed_on=s.starts_on,
                    rows=rows,
                ),
                corrects_id=call.roster_notice_id,
                subject_type="pool_call",
                subject_id=str(call.id),
            ),
            actor=actor,
        )
        for removed, reserve in pairs:
            e = ReserveEntry(
                sanction_id=s.id,
                removed_selection_id=removed.id,
                selection_id=reserve.id,
                enters_on=enters_on,
                notice_id=notice.id,
            )
            db.session.add(e)
            entries.append(e)
        db.session.flush()
        audit.record(
            Action.POOL_RESERVE_ENTERED,
            "pool_call",
            call.id,
            actor=actor,
            after={
                "sanction_id": s.id,
                "entered": [r.contractor.uscc for _x, r in pairs],
                "enters_on": enters_on,
                "notice_id": notice.id,
            },
            office_id=call.office_id,
        )
    return entries
