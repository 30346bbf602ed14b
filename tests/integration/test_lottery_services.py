"""Draw services against a real database: commit, draw, abandon, the secret seed, the guards."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError, IntegrityError

from app import clock
from app.api import time_iso
from app.audit import AuditEntry, verify_chain
from app.extensions import db
from lottery import rules, seeds, services, verify
from lottery.errors import DrawClosed, DrawError, DrawForbidden, DrawNotFound
from lottery.models import Draw
from tests.factories import default_district, make_user, placed

COMPANIES = {
    "91330205144025768D": "宁波甬江建设有限公司",
    "91330205144081399E": "宁波江北第二建筑工程有限公司",
    "91330205254840675W": "宁波洪塘建筑安装有限公司",
    "91330205MA281Q3L55": "宁波慈湖建设工程有限公司",
    "91330205MA2AG7E05D": "宁波江北明达建筑有限公司",
}
CODES = sorted(COMPANIES)
RATES = ["3.00", "3.50", "4.00", "4.50", "5.00"]
PROJECT = services.Subject("project", "PRJ-2026-0007", "甬江街道某村道路硬化工程")


def commit_award(staff=None, draw_id="PRJ-2026-0007-award", **kw):
    return services.commit_ranking(
        draw_id, "甬江街道某村道路硬化工程 承接单位摇号", placed(PROJECT), actor=staff, **kw
    )


def commit_rate(staff=None, draw_id="PRJ-2026-0007-rate"):
    return services.commit_pick(
        draw_id, "甬江街道某村道路硬化工程 下浮率摇号", placed(PROJECT), RATES, actor=staff
    )


def secret_seed(d: Draw) -> str:
    """The seed of a committed draw, opened as only the draw step does (tests look for leaks)."""
    return seeds.keyring().open(d.sealed_seed, d.draw_id).hex()


def draw_as_shown(draw_id: str, entries, candidates=None, *, actor, **kw):
    """A meeting's two steps: the entries on the meeting screen, then drawn as shown."""
    shown = services.show_pending_entropy(draw_id, entries, actor=actor)
    return services.draw(draw_id, shown, candidates, actor=actor, **kw)


def record_of(draw_id: str) -> dict:
    db.session.expire_all()
    return rules.published_record(services.get(draw_id), time_iso)


def snapshot(draw_id: str) -> tuple:
    """Everything stored about a draw, and how many audit entries exist."""
    db.session.expire_all()
    d = services.get(draw_id)
    row = tuple(getattr(d, c.key) for c in Draw.__table__.columns)
    return row, db.session.scalar(select(func.count(AuditEntry.id)))


def audit_text() -> str:
    db.session.expire_all()
    return "\n".join(
        json.dumps(
            {c.key: getattr(e, c.key) for c in AuditEntry.__table__.columns},
            default=str,
            ensure_ascii=False,
        )
        for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq))
    )


# ---- commit -----------------------------------------------------------------------------------


def test_a_commitment_publishes_the_hash_of_a_fresh_32_byte_seed_and_nothing_else(app, now):
    now(2026, 11, 27, 9, 0)
    staff = make_user("staff")
    d = commit_award(staff)
    assert d.status == "committed" and d.seed is None
    seed = secret_seed(d)
    assert len(seed) == 64 and seed == seed.lower()
    assert d.seed_commitment == hashlib.sha256(bytes.fromhex(seed)).hexdigest()
    record = record_of(d.draw_id)
    assert record["seed"] is None
    assert record["committed_at"] == "2026-11-27T09:00:00+08:00"
    assert record["candidates"] is None
    assert seed not in json.dumps(record)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "draw:committed"))
    assert entry.after["seed_commitment"] == d.seed_commitment
    assert seed not in audit_text()
    assert seed not in repr(d)


def test_every_commitment_has_its_own_seed(app):
    made = {secret_seed(commit_award(draw_id=f"D-{i}")) for i in range(5)}
    assert len(made) == 5


def test_a_draw_id_is_unique_forever_even_after_an_abandonment(app):
    staff = make_user("staff")
    commit_award(staff)
    services.abandon("PRJ-2026-0007-award", "会议取消", actor=staff)
    with pytest.raises(DrawError, match="已被使用"):
        commit_award(staff)
    assert db.session.scalar(select(func.count(Draw.id))) == 1


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: commit_rate(draw_id="bad id"), "抽签编号"),
        (
            lambda: services.commit_pick("R-1", "下浮率摇号", placed(PROJECT), []),
            "没有可选的选项",
        ),
        (
            lambda: services.commit_pick("R-1", "下浮率摇号", placed(PROJECT), ["3.00", "3.00"]),
            "重复",
        ),
        (lambda: commit_award(candidates=[CODES[0], CODES[0]]), "重复"),
        (lambda: commit_award(candidates=[]), "候选名单为空"),
        (lambda: commit_award(winners=0), "中选数量"),
        (lambda: commit_award(candidates=CODES[:2], winners=3), "不能超过候选数量"),
        (lambda: services.commit_draw("X-1", "lottery", "事项", placed(PROJECT)), "未知的抽签类型"),
        (
            lambda: services.commit_draw("X-1", "pick", "  ", placed(PROJECT), candidates=RATES),
            "事项",
        ),
        (
            lambda: services.commit_draw(
                "X-1", "pick", "事项", services.Subject("Project!", "P"), candidates=RATES
            ),
            "类型无效",
        ),
    ],
)
def test_a_bad_commitment_is_refused_and_saves_nothing(app, call, words):
    default_district()
    db.session.commit()
    entries = db.session.scalar(select(func.count(AuditEntry.id)))
    with pytest.raises(DrawError) as e:
        call()
    assert words in e.value.message
    assert e.value.message_en
    assert db.session.scalar(select(func.count(Draw.id))) == 0
    assert db.session.scalar(select(func.count(AuditEntry.id))) == entries


def test_a_draw_of_no_office_is_refused_with_a_message_and_saves_nothing(app):
    with pytest.raises(DrawError) as e:
        services.commit_pick("R-1", "下浮率摇号", PROJECT, RATES)
    assert "抽签须属于一个机构" in e.value.message
    assert "belongs to an office" in e.value.message_en
    assert db.session.scalar(select(func.count(Draw.id))) == 0


def test_a_ranking_given_final_at_commitment_is_sorted_by_the_helper(app):
    d = commit_award(candidates=reversed(CODES), candidate_labels=COMPANIES)
    assert d.candidates == CODES
    assert record_of(d.draw_id)["candidates"] == CODES


# ---- draw ------------------------------------------------------------------------------------


def test_a_draw_freezes_the_candidates_and_publishes_seed_and_result_at_once(app, now):
    now(2026, 11, 27, 9, 0)
    staff = make_user("staff")
    d = commit_award(staff)
    seed = secret_seed(d)
    now(2026, 12, 3, 10, 0)
    drawn = draw_as_shown(
        d.draw_id, [" 37 ", "8812", "张三 5"], CODES, candidate_labels=COMPANIES, actor=staff
    )
    assert drawn.status == "drawn"
    record = record_of(d.draw_id)
    assert record["status"] == "drawn"
    assert record["seed"] == seed
    assert record["candidates"] == CODES
    assert record["public_entropy"] == ["37", "8812", "张三 5"]
    assert record["drawn_at"] == "2026-12-03T10:00:00+08:00"
    assert sorted(record["result"]) == CODES
    verdict = verify.verify_record(record)
    assert verdict.ok, verdict.lines()
    assert services.get(d.draw_id).label(record["result"][0]) in COMPANIES.values()
    assert verify_chain().ok


def test_the_seed_appears_in_no_audit_entry_and_no_record_until_the_draw(app):
    staff = make_user("staff")
    award = commit_award(staff)
    rate = commit_rate(staff)
    services.show_pending_entropy(award.draw_id, ["37"], actor=staff)
    secret = {award.draw_id: secret_seed(award), rate.draw_id: secret_seed(rate)}
    log = audit_text()
    for draw_id, seed in secret.items():
        assert seed not in log
        assert seed not in json.dumps(record_of(draw_id))

    draw_as_shown(award.draw_id, ["37"], CODES, actor=staff)
    log = audit_text()
    assert secret[award.draw_id] in log  # revealed with the result
    assert secret[rate.draw_id] not in log  # still secret
    drawn_entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "draw:drawn")
    ).all()
    assert [e.after["seed"] for e in drawn_entries] == [secret[award.draw_id]]


def test_a_pick_draws_one_of_the_options_given_at_its_commitment(app):
    staff = make_user("staff")
    d = commit_rate(staff)
    draw_as_shown(d.draw_id, ["19"], actor=staff)
    record = record_of(d.draw_id)
    assert record["candidates"] == RATES and len(record["result"]) == 1
    assert record["result"][0] in RATES
    assert services.picked_option(d.draw_id) == record["result"][0]
    assert verify.verify_record(record).ok


def test_candidates_given_at_commitment_cannot_be_swapped_at_the_draw(app):
    staff = make_user("staff")
    d = commit_award(staff, candidates=CODES)
    services.show_pending_entropy(d.draw_id, [], actor=staff)
    before = snapshot(d.draw_id)
    with pytest.raises(DrawError, match="不一致"):
        services.draw(d.draw_id, [], CODES[:4], actor=staff)
    assert snapshot(d.draw_id) == before
    services.draw(d.draw_id, [], CODES, actor=staff)  # the same list is fine
    assert services.get(d.draw_id).status == "drawn"


def test_a_second_draw_is_refused_and_changes_nothing(app):
    staff = make_user("staff")
    d = commit_award(staff)
    draw_as_shown(d.draw_id, ["37"], CODES, actor=staff)
    before = snapshot(d.draw_id)
    with pytest.raises(DrawClosed) as e:
        services.draw(d.draw_id, ["38"], CODES, actor=staff)
    assert "已经摇号" in e.value.message and "already been drawn" in e.value.message_en
    assert snapshot(d.draw_id) == before


@pytest.mark.parametrize(
    ("entropy", "candidates", "words"),
    [
        (["37\n8812"], CODES, "换行"),
        (["37", "9" * 65], CODES, "超过64个字符"),
        ([str(i) for i in range(21)], CODES, "最多20项"),
        (["37"], [], "候选名单为空"),
        (["37"], [CODES[0], CODES[0], CODES[1]], "重复"),
        (["37"], list(reversed(CODES)), "升序"),
        (["37"], None, "尚未确定"),
        (["37"], CODES[:1], None),  # winners 2 > 1 candidate
    ],
)
def test_bad_draw_input_is_refused_with_a_clear_message_and_changes_nothing(
    app, entropy, candidates, words
):
    staff = make_user("staff")
    d = commit_award(staff, winners=2)
    if words not in ("换行", "超过64个字符", "最多20项"):  # entries fit to be shown
        services.show_pending_entropy(d.draw_id, entropy, actor=staff)
    before = snapshot(d.draw_id)
    with pytest.raises(DrawError) as e:
        services.draw(d.draw_id, entropy, candidates, actor=staff)
    assert words is None or words in e.value.message
    assert e.value.message_en
    assert snapshot(d.draw_id) == before
    assert services.get(d.draw_id).status == "committed"


@pytest.mark.parametrize("role", ["contractor", "owner", "reviewer", None])
def test_only_staff_may_run_a_draw(app, role):
    d = commit_award()
    actor = make_user(role) if role else None
    before = snapshot(d.draw_id)
    with pytest.raises(DrawForbidden):
        services.draw(d.draw_id, [], CODES, actor=actor)
    assert snapshot(d.draw_id) == before


def test_an_admin_may_run_a_draw(app):
    d = commit_award()
    draw_as_shown(d.draw_id, [], CODES, actor=make_user("admin"))
    assert services.get(d.draw_id).status == "drawn"


def test_an_unknown_draw_is_not_found(app):
    with pytest.raises(DrawNotFound):
        services.draw("NOPE", [], CODES, actor=make_user("staff"))
    with pytest.raises(DrawNotFound):
        services.outcome("NOPE")


# ---- abandon ---------------------------------------------------------------------------------


def test_abandoning_reveals_the_seed_publishes_the_reason_and_closes_the_draw(app, now):
    now(2026, 11, 27, 9, 0)
    staff = make_user("staff")
    d = commit_award(staff)
    now(2026, 12, 3, 9, 0)
    services.abandon(d.draw_id, "  因台风预警，定标会议取消  ", actor=staff)
    record = record_of(d.draw_id)
    assert record["status"] == "abandoned"
    assert record["abandon_reason"] == "因台风预警，定标会议取消"
    assert record["seed"] == d.seed
    assert record["result"] is None and record["public_entropy"] is None
    verdict = verify.verify_record(record)
    assert verdict.ok and verdict.status == "abandoned"
    stored = services.get(d.draw_id)
    assert clock.local(stored.abandoned_at) == datetime(2026, 12, 3, 9, 0, tzinfo=clock.TZ)
    with pytest.raises(DrawClosed, match="已作废"):
        services.draw(d.draw_id, [], CODES, actor=staff)
    with pytest.raises(DrawClosed):
        services.abandon(d.draw_id, "再次作废", actor=staff)


def test_a_drawn_draw_cannot_be_abandoned(app):
    staff = make_user("staff")
    d = commit_award(staff)
    draw_as_shown(d.draw_id, [], CODES, actor=staff)
    before = snapshot(d.draw_id)
    with pytest.raises(DrawClosed):
        services.abandon(d.draw_id, "想重摇", actor=staff)
    assert snapshot(d.draw_id) == before


def test_abandoning_needs_a_reason_and_staff_or_the_system(app):
    d = commit_award()
    with pytest.raises(DrawError, match="作废原因"):
        services.abandon(d.draw_id, "  ", actor=make_user("staff"))
    with pytest.raises(DrawForbidden):
        services.abandon(d.draw_id, "原因", actor=make_user("contractor"))
    services.abandon(d.draw_id, "交易失败（流标）", actor=None)
    assert services.get(d.draw_id).status == "abandoned"


# ---- the meeting screen's pending entropy ------------------------------------------------------


def test_pending_entropy_is_shown_before_the_draw_and_cleared_by_it(app):
    staff = make_user("staff")
    d = commit_award(staff)
    assert services.show_pending_entropy(d.draw_id, [" 37", "8812 "], actor=staff) == [
        "37",
        "8812",
    ]
    db.session.expire_all()
    assert services.get(d.draw_id).pending_entropy == ["37", "8812"]
    assert record_of(d.draw_id)["public_entropy"] is None
    with pytest.raises(DrawError, match="换行"):
        services.show_pending_entropy(d.draw_id, ["3\n7"], actor=staff)
    with pytest.raises(DrawForbidden):
        services.show_pending_entropy(d.draw_id, ["1"], actor=make_user("contractor"))
    services.draw(d.draw_id, ["37", "8812"], CODES, actor=staff)
    db.session.expire_all()
    assert services.get(d.draw_id).pending_entropy is None


# ---- reads for Pool and Trading -------------------------------------------------------------


def test_the_outcome_names_the_winners_then_the_alternates_in_order(app):
    staff = make_user("staff")
    d = commit_award(staff, winners=2)
    assert services.outcome(d.draw_id).winners == ()
    assert not services.outcome(d.draw_id).is_drawn
    with pytest.raises(DrawError):
        services.next_in_ranking(d.draw_id, [])
    draw_as_shown(d.draw_id, ["37"], CODES, actor=staff)
    result = record_of(d.draw_id)["result"]
    outcome = services.outcome(d.draw_id)
    assert outcome.is_drawn and outcome.picked is None
    assert list(outcome.winners) == result[:2] == services.winners_of(d.draw_id)
    assert list(outcome.alternates) == result[2:] == services.alternates_of(d.draw_id)
    assert services.next_in_ranking(d.draw_id, {result[0]}) == result[1]
    assert services.next_in_ranking(d.draw_id, set(result)) is None
    assert [x.draw_id for x in services.for_subject("project", PROJECT.code)] == [d.draw_id]


def test_a_registered_candidate_source_gives_the_console_a_sorted_list(app):
    d = commit_award()
    assert services.proposed_candidates(d) is None
    services.register_candidate_source(  # in this test's app only
        app,
        "project",
        lambda code: (
            services.CandidateList(tuple(reversed(CODES)), COMPANIES)
            if code == PROJECT.code
            else None
        ),
    )
    proposed = services.proposed_candidates(d)
    assert proposed.ids == tuple(CODES)
    assert proposed.labels == COMPANIES
    assert proposed.digest == rules.candidates_digest(CODES)


# ---- the database's own guards --------------------------------------------------------------


def _raw(sql: str, **params) -> None:
    db.session.execute(text(sql), params)
    db.session.flush()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE draws SET result = '[\"x\"]' WHERE draw_id = :id",
        "UPDATE draws SET status = 'committed', result = NULL, drawn_at = NULL,"
        " public_entropy = NULL WHERE draw_id = :id",
        "UPDATE draws SET candidate_labels = '{}' WHERE draw_id = :id",
        "DELETE FROM draws WHERE draw_id = :id",
    ],
)
def test_the_database_itself_refuses_to_touch_a_drawn_draw(app, sql):
    staff = make_user("staff")
    d = commit_award(staff)
    draw_as_shown(d.draw_id, ["37"], CODES, actor=staff)
    with pytest.raises((IntegrityError, DatabaseError)):
        _raw(sql, id=d.draw_id)
    db.session.rollback()
    assert verify.verify_record(record_of(d.draw_id)).ok


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE draws SET seed = :other WHERE draw_id = :id",
        "UPDATE draws SET seed_commitment = :other WHERE draw_id = :id",
        "UPDATE draws SET draw_id = 'PRJ-2026-0007-award-2' WHERE draw_id = :id",
        "UPDATE draws SET candidates = '[\"3.00\"]' WHERE draw_id = :id",
        "DELETE FROM draws WHERE draw_id = :id",
        # CHECK constraints: a status must come with its fields.
        "UPDATE draws SET status = 'drawn' WHERE draw_id = :id",
        "UPDATE draws SET status = 'abandoned' WHERE draw_id = :id",
        "UPDATE draws SET status = 'finished' WHERE draw_id = :id",
    ],
)
def test_the_database_itself_refuses_a_second_commitment_or_a_half_closed_draw(app, sql):
    d = commit_rate()
    with pytest.raises((IntegrityError, DatabaseError)):
        _raw(sql, id=d.draw_id, other="0" * 64)
    db.session.rollback()
    assert services.get(d.draw_id).status == "committed"


def test_the_database_refuses_two_draws_with_the_same_id(app):
    first = commit_rate()
    copy = {c.key: getattr(first, c.key) for c in Draw.__table__.columns if c.key != "id"}
    copy["seed_commitment"] = "1" * 64  # only the id is the same
    db.session.add(Draw(**copy))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_a_confirmation_must_draw_exactly_what_the_meeting_screen_shows(app, now):
    """Two consoles: the screen shows what the last one typed; an older confirmation is refused."""
    staff, other = make_user("staff"), make_user("staff")
    d = commit_award(staff, candidates=CODES, candidate_labels=COMPANIES)
    services.show_pending_entropy(d.draw_id, ["11"], actor=staff)
    services.show_pending_entropy(d.draw_id, ["22"], actor=other)
    before = snapshot(d.draw_id)
    with pytest.raises(DrawError, match="与现场大屏上显示的不一致") as e:
        services.draw(d.draw_id, ["11"], actor=staff)
    assert "“22”" in e.value.message and "'22'" in e.value.message_en
    assert snapshot(d.draw_id) == before
    drawn = services.draw(d.draw_id, ["22"], actor=staff)
    assert drawn.public_entropy == ["22"] and drawn.pending_entropy is None


@pytest.mark.parametrize("entries", [[], ["37"]])
def test_a_draw_without_its_entries_shown_on_the_screen_is_refused_whoever_calls(app, entries):
    """No caller can skip the screen: not the console's `draw`, not an owner's
    `draw(owner=…)` (the award and pool meetings) — zero entries included."""
    staff = make_user("staff")
    d = commit_award(staff, candidates=CODES)
    before = snapshot(d.draw_id)
    with pytest.raises(DrawError, match="尚未在现场大屏上显示") as e:
        services.draw(d.draw_id, entries, actor=staff)
    assert "not been shown on the meeting screen" in e.value.message_en
    with pytest.raises(DrawError, match="尚未在现场大屏上显示"):
        services.draw(d.draw_id, entries, actor=staff, owner=PROJECT.type)
    db.session.rollback()
    assert snapshot(d.draw_id) == before
    # Shown (zero entries shown as "none"), the same list draws.
    services.show_pending_entropy(d.draw_id, entries, actor=staff)
    assert services.draw(d.draw_id, entries, actor=staff).public_entropy == entries


def test_an_owner_s_draw_uses_only_the_entries_shown_too(app):
    """The award meeting's path (`draw(owner=…)`) checks the screen like the console's."""
    staff = make_user("staff")
    d = commit_award(staff, candidates=CODES)
    services.show_pending_entropy(d.draw_id, ["11", "22", "33"], actor=staff, owner=PROJECT.type)
    db.session.commit()
    before = snapshot(d.draw_id)
    with pytest.raises(DrawError, match="与现场大屏上显示的不一致"):
        services.draw(d.draw_id, ["chosen-by-staff-7"], actor=staff, owner=PROJECT.type)
    db.session.rollback()
    assert snapshot(d.draw_id) == before


def test_a_draw_owned_by_another_part_is_refused_by_the_generic_show_draw_and_abandon(app):
    """The pool settles its categories at its own meeting; the console must not draw them."""
    staff = make_user("staff")
    services.register_owned_subject(app, "test_owned", "测试页面", "the test page")
    d = services.commit_ranking(
        "TEST-OWNED-1",
        "测试",
        placed(services.Subject("test_owned", "T-1", "测试")),
        actor=staff,
        candidates=CODES,
    )
    before = snapshot(d.draw_id)
    # Not even its screen: the console would show entries on a draw it cannot run (finding 18).
    with pytest.raises(DrawError, match="此抽签须在测试页面进行"):
        services.show_pending_entropy(d.draw_id, ["1"], actor=staff)
    with pytest.raises(DrawError, match="此抽签须在测试页面进行"):
        services.draw(d.draw_id, ["1"], actor=staff)
    with pytest.raises(DrawError, match="此抽签须在测试页面进行"):
        services.abandon(d.draw_id, "会议取消", actor=staff)
    assert snapshot(d.draw_id) == before
    # Another owner may not run it either.
    with pytest.raises(DrawError, match="不属于本会议"):
        services.draw(d.draw_id, ["1"], actor=staff, owner="project")
    assert snapshot(d.draw_id) == before
    # Its owner runs it inside its own use case, with the entries shown on its screen.
    services.show_pending_entropy(d.draw_id, ["1"], actor=staff, owner="test_owned")
    services.draw(d.draw_id, ["1"], actor=staff, owner="test_owned")
    assert services.get(d.draw_id).status == "drawn"
