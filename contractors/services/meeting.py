"""The lottery meeting (摇号会议) per category, the roster publicity and the roster."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from app import audit, clock
from app.audit import Action
from app.extensions import db
from app.transactions import transactional
from contractors import queries, rules, search
from contractors.errors import PoolError, PoolNotFound, TooEarly
from contractors.models import PoolCallCategory, PoolSelection
from lottery import rules as draw_rules
from lottery import services as draws
from notices.rules import legal_basis
from notices.services import NoticeInput, issuer, publish_new
from notices.timeliness.services import publish_due

from . import bodies
from ._common import checked, get_call, now, require_pool, require_staff


def _meeting_category(call_id: int, category_code: str, actor):
    """The call (locked) and its category, when its lottery meeting may be held now."""
    require_staff(actor, "主持摇号", "run the lottery meeting")
    call = get_call(call_id, lock=True)
    require_pool(actor, call.office_id, "主持摇号", "run the lottery meeting")
    cc = next((c for c in call.categories if c.category.code == category_code), None)
    if cc is None:
        raise PoolNotFound(
            f"本次征集不含类别{category_code}", f"This call has no category {category_code}"
        )
    facts = queries.facts_of(call)
    moment = clock.now()
    checked(
        rules.require_ended,
        facts.review_ends_at,
        moment,
        ("资格审查结果公示", "review result's publicity"),
        ("摇号", "hold the draw"),
    )
    if facts.open_objections:
        raise PoolError(
            f"尚有{facts.open_objections}件异议未答复，答复后才能摇号",
            f"{facts.open_objections} objection(s) must be answered before the draw",
        )
    if call.meeting_at and moment < call.meeting_at:
        when = clock.local(call.meeting_at)
        raise TooEarly(
            f"摇号会议定于{when:%Y-%m-%d %H:%M}在{call.meeting_place}举行，不能提前摇号",
            f"The meeting is set for {when:%Y-%m-%d %H:%M} at {call.meeting_place}; it cannot be held early",
            earliest=when.date(),
        )
    if cc.outcome is not None:
        raise PoolError(
            f"类别“{cc.category.name}”已经确定", f"The category {category_code} is settled already"
        )
    return call, cc


@transactional
def show_category_entropy(
    call_id: int, category_code: str, public_entropy: Sequence[str], *, actor
) -> list[str]:
    """The entries typed at the meeting, shown on the category draw's meeting screen while the
    attendees check them; `settle_category` then draws with exactly these (the lottery service
    refuses any other list). Returns them as recorded."""
    _call, cc = _meeting_category(call_id, category_code, actor)
    return draws.show_pending_entropy(
        cc.draw_id, public_entropy, actor=actor, owner=queries.SUBJECT_TYPE
    )


@transactional
def settle_category(
    call_id: int,
    category_code: str,
    public_entropy: Sequence[str] = (),
    *,
    reviewed: str | None = None,
    actor,
) -> PoolCallCategory:
    """At the public meeting, for one category: more qualified than the quota → its committed
    ranking draw runs over the qualified (frozen now, sorted by code) and picks the quota, the
    rest becoming the reserve in order, with exactly the entries `show_category_entropy` put on
    the meeting screen; otherwise all qualified enter and the draw is abandoned with that reason
    (its seed revealed). Refused before the review publicity ended, before the meeting's time,
    or while an objection is unanswered. `reviewed` is the fingerprint of the qualified list the
    meeting's review page showed: a list changed since is refused (None: no review page, e.g. a
    command)."""
    call, cc = _meeting_category(call_id, category_code, actor)
    found = queries.qualified(cc)
    codes = draw_rules.sorted_candidates(found)
    if reviewed is not None and not draw_rules.as_reviewed(reviewed, codes):
        raise PoolError(
            "合格申请人名单在核对之后发生了变化，请重新核对后再摇号",
            "The qualified list changed after the review; review it again before drawing",
            field="candidates_digest",
        )
    outcome = rules.meeting_outcome(len(codes), cc.quota)
    if outcome is rules.Settlement.DRAWN:
        d = draws.draw(
            cc.draw_id,
            list(public_entropy),
            codes,
            candidate_labels=found,
            actor=actor,
            owner=queries.SUBJECT_TYPE,
        )
        selected, reserve = draw_rules.split_ranking(d.result, cc.quota)
    else:
        draws.abandon(
            cc.draw_id,
            f"合格申请人{len(codes)}家，未超过入围数量{cc.quota}家，全部入围，无需摇号",
            actor=actor,
            owner=queries.SUBJECT_TYPE,
        )
        selected, reserve = codes, []
    by_code = {c.uscc: c for c in (queries.contractor_by_uscc(u) for u in codes)}
    for position, code in enumerate(selected, start=1):
        db.session.add(
            PoolSelection(
                call_category=cc,
                contractor=by_code[code],
                status=rules.SelectionStatus.SELECTED,
                position=position,
            )
        )
    for position, code in enumerate(reserve, start=1):
        db.session.add(
            PoolSelection(
                call_category=cc,
                contractor=by_code[code],
                status=rules.SelectionStatus.RESERVE,
                position=position,
            )
        )
    cc.outcome, cc.settled_at = outcome, now()
    db.session.flush()
    audit.record(
        Action.POOL_CATEGORY_SETTLED,
        "pool_call",
        call.code,
        actor=actor,
        office_id=call.office_id,
        after={
            "category": category_code,
            "outcome": outcome,
            "draw_id": cc.draw_id,
            "selected": selected,
            "reserve": reserve,
        },
    )
    return cc


@transactional
def publish_roster_publicity(call_id: int, *, actor):
    """Publish the roster publicity (入围企业名录公示, ≥ 5 working days) once every category is
    settled: selected and reserve per category, with the draw ids. Returns the notice."""
    require_staff(actor, "发布入围企业名录公示", "publish the roster publicity")
    call = get_call(call_id, lock=True)
    require_pool(actor, call.office_id, "发布入围企业名录公示", "publish the roster publicity")
    if call.review_notice_id is None or any(cc.outcome is None for cc in call.categories):
        raise PoolError(
            "尚有类别未摇号或确定入围，不能公示入围名录",
            "Some categories are not drawn or settled yet",
        )
    if call.roster_publicity_notice_id is not None:
        raise PoolError("入围企业名录已经公示", "The roster publicity is already published")
    notice = publish_new(
        NoticeInput(
            type="roster_publicity",
            title=f"{call.title}入围企业名录公示",
            **issuer(call.office_id),
            legal_basis=legal_basis("roster_publicity"),
            body=bodies.roster_publicity_body(call),
            # 公开时限 from the pool meeting: the last category settled.
            publish_due_at=publish_due(
                "roster_publicity", max(cc.settled_at for cc in call.categories)
            ),
            subject_type="pool_call",
            subject_id=call.code,
        ),
        actor=actor,
    )
    call.roster_publicity_notice_id = notice.id
    db.session.flush()
    audit.record(
        Action.POOL_ROSTER_PUBLICITY_PUBLISHED,
        "pool_call",
        call.code,
        actor=actor,
        office_id=call.office_id,
        after={"notice_id": notice.id, "publicity_ends_at": notice.publicity_ends_at},
    )
    return notice


@transactional
def publish_roster(call_id: int, *, actor):
    """After the roster publicity ended, publish the roster (入围企业名单): its selected members
    are active from today (not before the pool's validity) until the validity ends. Returns the
    notice."""
    require_staff(actor, "发布入围企业名单", "publish the roster")
    call = get_call(call_id, lock=True)
    require_pool(actor, call.office_id, "发布入围企业名单", "publish the roster")
    notice = call.roster_publicity_notice
    checked(
        rules.require_ended,
        notice.publicity_ends_at if notice else None,
        clock.now(),
        ("入围企业名录公示", "roster publicity"),
        ("发布入围企业名单", "publish the roster"),
    )
    if call.roster_notice_id is not None:
        raise PoolError("入围企业名单已经发布", "The roster is already published")
    checked(rules.require_no_open_roster_objection, queries.open_roster_objections(call.id))
    if clock.today() > call.valid_until:
        # A roster whose validity is over would make nobody active: refuse rather than publish it.
        raise PoolError(
            f"名录库有效期已于{call.valid_until.isoformat()}届满，不能再发布入围企业名单",
            f"The pool's validity ended on {call.valid_until.isoformat()}; the roster can no "
            "longer be published",
        )
    roster = publish_new(
        NoticeInput(
            type="roster",
            title=f"{call.title}入围企业名单",
            **issuer(call.office_id),
            legal_basis=legal_basis("roster"),
            body=bodies.roster_body(call),
            # 公开时限 from the roster publicity's last day (its end is 00:00 the day after).
            publish_due_at=publish_due("roster", notice.publicity_ends_at - timedelta(seconds=1)),
            subject_type="pool_call",
            subject_id=call.code,
        ),
        actor=actor,
    )
    call.roster_notice_id = roster.id
    period = rules.member_period(
        clock.local(roster.published_at).date(), call.valid_from, call.valid_until
    )
    members = []
    for cc in call.categories:
        for s in queries.selections(cc.id):
            if s.is_selected:
                s.since, s.until = period.start, period.end
                members.append([cc.category.code, s.contractor.uscc])
                search.index_member(s.contractor, cc.category, roster.published_at)
    db.session.flush()
    audit.record(
        Action.POOL_ROSTER_PUBLISHED,
        "pool_call",
        call.code,
        actor=actor,
        office_id=call.office_id,
        after={
            "notice_id": roster.id,
            "since": period.start,
            "until": period.end,
            "members": members,
        },
    )
    return roster
