"""Draw use cases: commit, draw, abandon, and the reads Pool and Trading need. Each public use case
is one transaction, or joins its caller's (app.transactions): Pool and Trading commit and run their
draws inside their own use cases.

The seed (LOTTERY.md, "Commit") is made here with `secrets.token_bytes(32)`, stored sealed
(lottery.seeds: AES-GCM under a key outside the database) and shown to nobody — no page, API, log or
audit entry — until the draw is drawn or abandoned; only those two steps open it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app import audit, clock
from app.audit import Action
from app.extensions import db
from app.transactions import transactional
from lottery import engine, rules, seeds
from lottery.errors import (
    DrawClosed,
    DrawError,
    DrawForbidden,
    DrawNotFound,
    SeedUnavailable,
)
from lottery.models import Draw

#: Roles that may run or abandon a draw at a public meeting.
STAFF_ROLES = ("staff", "admin")


@dataclass(frozen=True)
class Subject:
    """What a draw belongs to: a type ("project", "pool_category"…), its code and its name."""

    type: str
    code: str
    label: str = ""


@dataclass(frozen=True)
class CandidateList:
    """Candidate ids in draw order (a ranking's sorted), with the names pages show beside them."""

    ids: tuple[str, ...]
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        return rules.candidates_digest(self.ids)


@dataclass(frozen=True)
class Outcome:
    """What a draw decided, for Pool and Trading: selected first, then the alternates in order."""

    draw_id: str
    kind: str
    status: str
    #: A ranking's first `winners` candidates; a pick's one option. Empty until drawn.
    winners: tuple[str, ...]
    #: The rest of the ranking, in order: the next takes the place of a winner who withdraws or
    #: refuses to sign (LOTTERY.md). Always empty for a pick.
    alternates: tuple[str, ...]
    drawn_at: datetime | None

    @property
    def is_drawn(self) -> bool:
        return self.status == "drawn"

    @property
    def picked(self) -> str | None:
        """A pick's option (e.g. the discount rate "5.50"), or None."""
        return self.winners[0] if self.kind == "pick" and self.winners else None


# ---- where candidates come from ---------------------------------------------------------------

CandidateSource = Callable[[str], "CandidateList | None"]
_SOURCES: dict[str, CandidateSource] = {}


def register_candidate_source(subject_type: str, source: CandidateSource) -> None:
    """Tell the console where the current candidates of a subject type come from.

    Pool registers its qualified applicants per category, Trading a project's respondents:
    `source(subject_code)` returns a CandidateList (ids and names; a ranking's ids in any order,
    they are sorted here) or None while the list is not final. The staff console freezes what the
    source returns at the moment of the draw. A draw whose candidates were given at its
    commitment (a pick's options) needs no source.
    """
    _SOURCES[subject_type] = source


#: Subject types whose draws another part runs inside its own use case (the pool's meeting settles
#: a category: draw or all enter, then the selections), with where staff should go instead.
_OWNED: dict[str, tuple[str, str]] = {}


def register_owned_subject(subject_type: str, where_zh: str, where_en: str) -> None:
    """Draws of this subject type are run only by their owner, inside its own use case, which
    names itself (`draw(..., owner=subject_type)`, likewise `abandon` and `show_pending_entropy`);
    without `owner` — the generic console — they are refused."""
    _OWNED[subject_type] = (where_zh, where_en)


def owned_elsewhere(d: Draw) -> tuple[str, str] | None:
    """Where this draw is run, if another part owns it (for the console to say so)."""
    return _OWNED.get(d.subject_type)


def _check_owner(d: Draw, owner: str | None) -> None:
    """The console (no `owner`) may not run an owned subject's draw; an owner only its own."""
    if owner is None:
        where = _OWNED.get(d.subject_type)
        if where is not None:
            raise DrawError(f"此抽签须在{where[0]}进行", f"This draw is run on {where[1]}")
    elif d.subject_type != owner:
        raise DrawError(
            f"抽签 {d.draw_id} 不属于本会议", f"Draw {d.draw_id} does not belong to this meeting"
        )


def proposed_candidates(d: Draw) -> CandidateList | None:
    """The candidates a draw would freeze now: its own if final, else its subject's source."""
    if d.candidates is not None:
        return CandidateList(tuple(d.candidates), dict(d.candidate_labels or {}))
    source = _SOURCES.get(d.subject_type)
    found = source(d.subject_code) if source else None
    if found is None:
        return None
    ids = rules.sorted_candidates(found.ids) if d.kind == "ranking" else list(found.ids)
    return CandidateList(tuple(ids), dict(found.labels))


# ---- helpers ----------------------------------------------------------------------------------


def _checked(rule: Callable, *args):
    """Run a pure rule; its RuleError becomes a DrawError with the same messages."""
    try:
        return rule(*args)
    except rules.RuleError as e:
        raise DrawError(e.message, e.message_en, field=e.field) from None


def _get(draw_id: str, *, lock: bool = False) -> Draw:
    stmt = select(Draw).where(Draw.draw_id == draw_id)
    if lock:
        # Concurrent draws of one record queue here on PostgreSQL; the conditional UPDATE below
        # is the guard that also holds on SQLite.
        stmt = stmt.with_for_update()
    d = db.session.scalar(stmt.execution_options(populate_existing=True))
    if d is None:
        raise DrawNotFound(f"抽签记录不存在：{draw_id}", f"No such draw: {draw_id}")
    return d


def closed_error(d_status: str, draw_id: str) -> DrawClosed:
    """The refusal to draw a draw that is no longer committed, saying which way it closed."""
    if d_status == "abandoned":
        return DrawClosed(
            f"抽签 {draw_id} 已作废，不能再摇号；如需重新抽签，须以新的编号重新承诺",
            f"Draw {draw_id} was abandoned and cannot be drawn; a new draw needs a new id and a "
            f"new commitment",
        )
    return DrawClosed(
        f"抽签 {draw_id} 已经摇号，结果已公布，不能再次摇号",
        f"Draw {draw_id} has already been drawn and its result published; it cannot be drawn again",
    )


def _require_committed(d: Draw) -> None:
    if d.status != "committed":
        raise closed_error(d.status, d.draw_id)


def _require_staff(actor, zh: str, en: str) -> None:
    if actor is None or getattr(actor, "role", None) not in STAFF_ROLES:
        raise DrawForbidden(f"只有区公管办工作人员可以{zh}", f"Only trading-office staff may {en}")


def _open_seed(d: Draw) -> str:
    """The seed of a committed draw, in hex, for the step that reveals it (draw or abandon).

    Checked against the commitment published before the meeting: a sealed seed that opens but is
    not the committed one (re-sealed by someone holding the key) is refused, nothing revealed.
    """
    seed = seeds.keyring().open(d.sealed_seed, d.draw_id)
    if engine.commitment(seed) != d.seed_commitment:
        raise SeedUnavailable(
            f"抽签 {d.draw_id} 的种子与公布的种子承诺不一致，不能摇号或作废",
            f"The seed of draw {d.draw_id} does not match its published commitment; it can be "
            "neither drawn nor abandoned",
        )
    return seed.hex()


def _revealed_fields(d: Draw) -> dict:
    """What the audit log keeps of a closed draw: its record, seed included (now public)."""
    return {
        "status": d.status,
        "seed": d.seed,
        "seed_commitment": d.seed_commitment,
        "candidates": d.candidates,
        "public_entropy": d.public_entropy,
        "drawn_at": d.drawn_at,
        "result": d.result,
        "abandon_reason": d.abandon_reason,
        "abandoned_at": d.abandoned_at,
    }


# ---- commit -----------------------------------------------------------------------------------


@transactional
def commit_draw(
    draw_id: str,
    kind: str,
    purpose: str,
    subject: Subject,
    *,
    winners: int = 1,
    candidates: Sequence[str] | None = None,
    candidate_labels: Mapping[str, str] | None = None,
    actor=None,
) -> Draw:
    """Commit to a new draw.

    For Pool and Trading (inside their own use case): the commitment is printed in the notice published in the same
    transaction (交易公告, or 资格审查结果公示 at the latest). Makes the seed, stores it, and
    publishes only its SHA-256. `candidates` are given only when final now (a pick's options,
    in their published order); a ranking's usually are frozen at the draw. Raises DrawError
    (nothing is saved) for a bad or reused id, kind, purpose, subject, winners or candidates.
    """
    draw_id = _checked(rules.check_draw_id, draw_id)
    kind = _checked(rules.check_kind, kind)
    purpose = _checked(rules.check_purpose, purpose)
    subject_type, subject_code = _checked(rules.check_subject, subject.type, subject.code)
    names = None if candidates is None else _checked(rules.check_candidates, kind, candidates)
    _checked(rules.check_winners, kind, winners, None if names is None else len(names))
    labels = _checked(rules.check_labels, candidate_labels)
    if db.session.scalar(select(Draw.id).where(Draw.draw_id == draw_id)) is not None:
        raise DrawError(
            f"抽签编号 {draw_id} 已被使用：编号永久唯一，新的抽签须使用新的编号",
            f"The draw id {draw_id} is taken: ids are unique forever, a new draw needs a new id",
            field="draw_id",
        )
    seed = secrets.token_bytes(32)
    d = Draw(
        draw_id=draw_id,
        kind=kind,
        purpose=purpose,
        winners=winners,
        status="committed",
        sealed_seed=seeds.keyring().seal(seed, draw_id),
        seed_commitment=engine.commitment(seed),
        committed_at=clock.now().replace(microsecond=0),
        candidates=names,
        candidate_labels=labels,
        subject_type=subject_type,
        subject_code=subject_code,
        subject_label=(subject.label or "").strip()[:200],
        committed_by_id=getattr(actor, "id", None),
    )
    db.session.add(d)
    try:
        db.session.flush()
    except IntegrityError:
        raise DrawError(
            f"抽签编号 {draw_id} 已被使用", f"The draw id {draw_id} is taken", field="draw_id"
        ) from None
    # The commitment only: the seed stays out of the audit log until the reveal.
    audit.record(
        Action.DRAW_COMMITTED,
        "draw",
        draw_id,
        actor=actor,
        after={
            "draw_id": draw_id,
            "kind": kind,
            "purpose": purpose,
            "winners": winners,
            "seed_commitment": d.seed_commitment,
            "committed_at": d.committed_at,
            "candidates": names,
            "subject": {"type": subject_type, "code": subject_code},
        },
    )
    return d


def commit_ranking(
    draw_id: str,
    purpose: str,
    subject: Subject,
    *,
    winners: int = 1,
    candidates: Iterable[str] | None = None,
    candidate_labels: Mapping[str, str] | None = None,
    actor=None,
) -> Draw:
    """Commit a ranking draw (pool selection, award of a project): all candidates get ordered.

    `winners` are selected, the rest are alternates in order. Candidates (统一社会信用代码), if
    final now, may be given in any order: they are sorted by code point here, as LOTTERY.md
    prescribes.
    """
    ordered = None if candidates is None else _checked(rules.sorted_candidates, candidates)
    return commit_draw(
        draw_id,
        "ranking",
        purpose,
        subject,
        winners=winners,
        candidates=ordered,
        candidate_labels=candidate_labels,
        actor=actor,
    )


def commit_pick(
    draw_id: str,
    purpose: str,
    subject: Subject,
    options: Sequence[str],
    *,
    option_labels: Mapping[str, str] | None = None,
    actor=None,
) -> Draw:
    """Commit a pick draw (the discount rate of a project) over options final now.

    `options` are kept in the order given — the order printed in the trading notice, e.g.
    `rules.rate_options(Decimal("3.00"), Decimal("8.00"), Decimal("0.50"))`. A pick with no
    options is refused.
    """
    return commit_draw(
        draw_id,
        "pick",
        purpose,
        subject,
        winners=1,
        candidates=list(options),
        candidate_labels=option_labels,
        actor=actor,
    )


# ---- the meeting ------------------------------------------------------------------------------
#
# LOTTERY.md, "Draw": staff enter the public entropy, the entries are shown on the meeting screen
# for the attendees to check, and the draw uses exactly the entries shown. So every draw, by the
# console or by its owner's meeting, goes in two steps: `show_pending_entropy…` puts the entries
# on the screen (`pending_entropy`), then `draw…` is refused unless the entries it is given are
# exactly those, compared under the row lock. There is no way around the screen: a confirmation
# carrying other entries (a forged form field, a second console) draws nothing.


def _show(d: Draw, entries: Sequence[str]) -> list[str]:
    _require_committed(d)
    checked = _checked(rules.normalize_entropy, entries)
    d.pending_entropy = checked
    db.session.flush()
    return checked


@transactional
def show_pending_entropy(
    draw_id: str, entries: Sequence[str], *, actor, owner: str | None = None
) -> list[str]:
    """Show the entropy staff typed on the meeting screen while they check it with attendees.

    Returns the entries as they will be recorded (each stripped; zero entries are shown as
    "none" and must be shown too); refuses bad entries like `draw` does. The draw then accepts
    exactly these. A draw whose subject another part runs at its own meeting
    (`register_owned_subject`) is refused here, under the lock, like `draw`: the console must not
    put entries on a screen for a draw it cannot run; its owner's meeting passes `owner` (the
    award meeting shows one list on both of its draws).
    """
    _require_staff(actor, "录入公开随机数", "enter public entropy")
    d = _get(draw_id, lock=True)
    _check_owner(d, owner)
    return _show(d, entries)


def _close_once(d: Draw, values: dict, action: Action, actor) -> Draw:
    """Move a committed draw to drawn or abandoned, once: only the transaction whose UPDATE finds
    it still 'committed' succeeds; any other sees rowcount 0 (SQLite) or, on PostgreSQL, queued
    on the row lock, the new status. Audits the revealed fields; the seed is public from here."""
    done = db.session.execute(
        update(Draw)
        .where(Draw.id == d.id, Draw.status == "committed")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        status = db.session.scalar(select(Draw.status).where(Draw.id == d.id))
        raise closed_error(status or "drawn", d.draw_id)
    db.session.refresh(d)
    audit.record(
        action,
        "draw",
        d.draw_id,
        actor=actor,
        before={"status": "committed", "seed_commitment": d.seed_commitment},
        after=_revealed_fields(d),
    )
    return d


def _draw(
    d: Draw,
    public_entropy: Sequence[str],
    candidates: Sequence[str] | None,
    candidate_labels: Mapping[str, str] | None,
    actor,
) -> Draw:
    """Draw `d`, locked by the caller: the checks, the engine, the once-only close."""
    _require_committed(d)
    entropy = _checked(rules.normalize_entropy, public_entropy)
    # Under the row lock: a second console showing other entries waits, then is compared.
    entropy = _checked(rules.check_as_shown, d.pending_entropy, entropy)
    if d.candidates is not None:
        if candidates is not None and list(candidates) != list(d.candidates):
            raise DrawError(
                "候选名单与承诺时公布的不一致，不能摇号",
                "The candidate list differs from the one published with the commitment",
                field="candidates",
            )
        names = list(d.candidates)
    elif candidates is None:
        raise DrawError(
            "候选名单尚未确定，不能摇号", "The candidate list is not final yet", field="candidates"
        )
    else:
        names = _checked(rules.check_candidates, d.kind, candidates)
    _checked(rules.check_winners, d.kind, d.winners, len(names))
    given = _checked(rules.check_labels, candidate_labels)
    known = {**(d.candidate_labels or {}), **given}
    labels = {name: known[name] for name in names if known.get(name)}
    seed_hex = _open_seed(d)
    try:
        result = engine.run(d.kind, d.draw_id, seed_hex, entropy, names)
    except engine.DrawInputError as e:  # the rules above should have caught it
        zh, _sep, en = str(e).partition(" / ")
        raise DrawError(zh, en or zh) from None

    values = {
        "status": "drawn",
        "seed": seed_hex,
        "sealed_seed": None,
        "public_entropy": entropy,
        "result": result,
        "drawn_at": clock.now().replace(microsecond=0),
        "drawn_by_id": actor.id,
        "pending_entropy": None,
        "candidate_labels": labels,
    }
    if d.candidates is None:
        values["candidates"] = names
    return _close_once(d, values, Action.DRAW_DRAWN, actor)


@transactional
def draw(
    draw_id: str,
    public_entropy: Sequence[str],
    candidates: Sequence[str] | None = None,
    *,
    candidate_labels: Mapping[str, str] | None = None,
    actor,
    owner: str | None = None,
) -> Draw:
    """Run a committed draw at its public meeting: freeze, compute, publish — once.

    `public_entropy` must be exactly the entries shown on the meeting screen
    (`show_pending_entropy`), compared under the row lock: anything else is refused and nothing
    is drawn (LOTTERY.md, "Draw": the service refuses any other list, whoever calls it).
    Freezes the candidates (those given at the commitment, or `candidates` now: a ranking's must
    be sorted, see `rules.sorted_candidates`), records the public entropy (each entry stripped,
    1–64 characters, no line break, at most 20), computes the result with the engine and
    publishes seed and result in this one transaction. Only staff may draw (DrawForbidden). A
    drawn or abandoned draw raises DrawClosed; of concurrent calls exactly one succeeds. A draw
    whose subject another part runs at its own meeting (`register_owned_subject`) is refused here
    unless that owner calls, naming itself (`owner`), inside its own use case.
    """
    _require_staff(actor, "进行摇号", "run a draw")
    d = _get(draw_id, lock=True)
    _check_owner(d, owner)
    return _draw(d, public_entropy, candidates, candidate_labels, actor)


def _abandon(d: Draw, reason: str, actor) -> Draw:
    _require_committed(d)
    text = _checked(rules.check_reason, reason)
    values = dict(
        status="abandoned",
        seed=_open_seed(d),
        sealed_seed=None,
        abandon_reason=text,
        abandoned_at=clock.now().replace(microsecond=0),
        abandoned_by_id=getattr(actor, "id", None),
        pending_entropy=None,
    )
    return _close_once(d, values, Action.DRAW_ABANDONED, actor)


@transactional
def abandon(draw_id: str, reason: str, *, actor=None, owner: str | None = None) -> Draw:
    """Close a committed draw without drawing it: the reason is published and the seed revealed.

    For a meeting called off after the commitment (LOTTERY.md, "Abandon"); a new draw then gets a
    new id and a new commitment. `actor` is staff, or None for the system (Trading's failed-trading
    job). A drawn or abandoned draw raises DrawClosed; an owned subject's draw is refused
    unless its owner calls, naming itself (`owner`; see `register_owned_subject`).
    """
    if actor is not None:
        _require_staff(actor, "作废抽签", "abandon a draw")
    d = _get(draw_id, lock=True)
    _check_owner(d, owner)
    return _abandon(d, reason, actor)


# ---- the seed key ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ResealReport:
    key_id: str
    #: Draw ids whose seed was sealed again under the current key.
    resealed: tuple[str, ...]
    #: Committed draws already sealed under it.
    unchanged: int


@transactional
def reseal_seeds(*, actor="cli") -> ResealReport:
    """Seal every committed draw's seed again under the current key (`flask draws
    rotate-seed-key`), in one transaction with one audit entry (which names draws and key ids,
    never a seed). Any seed that does not open, or not to its commitment, stops the whole
    rotation with nothing changed: fix the keys and run it again. An operator's command (whoever
    holds the keys runs the server), so no role is asked; `actor` labels the audit entry."""
    ring = seeds.keyring()
    committed = db.session.scalars(
        select(Draw).where(Draw.status == "committed").order_by(Draw.id).with_for_update()
    ).all()
    resealed, moved = [], {}
    for d in committed:
        kid = ring.key_id_of(d.sealed_seed)
        if kid == ring.current_id:
            continue
        seed = bytes.fromhex(_open_seed(d))
        d.sealed_seed = ring.seal(seed, d.draw_id)
        resealed.append(d.draw_id)
        moved[kid] = moved.get(kid, 0) + 1
    db.session.flush()
    audit.record(
        Action.DRAW_SEEDS_RESEALED,
        "draw_seed_key",
        ring.current_id,
        actor=actor,
        before={"key_ids": moved},
        after={"key_id": ring.current_id, "draws": resealed},
    )
    return ResealReport(ring.current_id, tuple(resealed), len(committed) - len(resealed))


# ---- reads for Pool and Trading ---------------------------------------------------------------


def get(draw_id: str) -> Draw:
    """The draw with this id (DrawNotFound otherwise). Never show its `seed` while committed:
    use `rules.published_record` (the API's serializer) for anything public."""
    return _get(draw_id)


def outcome(draw_id: str) -> Outcome:
    """What the draw decided: winners and alternates in order (empty until drawn)."""
    d = _get(draw_id)
    if d.status != "drawn":
        return Outcome(d.draw_id, d.kind, d.status, (), (), None)
    selected, rest = rules.split_ranking(d.result, d.winners)
    return Outcome(d.draw_id, d.kind, d.status, tuple(selected), tuple(rest), d.drawn_at)


def winners_of(draw_id: str) -> list[str]:
    """The selected candidates (a pick: its one option); [] until drawn."""
    return list(outcome(draw_id).winners)


def alternates_of(draw_id: str) -> list[str]:
    """The alternates of a ranking in order (候补); [] until drawn and for a pick."""
    return list(outcome(draw_id).alternates)


def picked_option(draw_id: str) -> str | None:
    """The option a pick drew (e.g. the discount rate "5.50"), or None until drawn."""
    return outcome(draw_id).picked


def next_in_ranking(draw_id: str, excluded: Iterable[str]) -> str | None:
    """The first candidate of a drawn ranking not in `excluded` (withdrew, refused to sign…).

    The award passes down the published ranking with no new draw; None means the ranking is
    exhausted, and only then is a new draw committed (LOTTERY.md). DrawError if not drawn.
    """
    d = _get(draw_id)
    if d.status != "drawn":
        raise DrawError(f"抽签 {draw_id} 尚未摇号", f"Draw {draw_id} has not been drawn")
    return rules.next_in_ranking(d.result, excluded)


def for_subject(subject_type: str, subject_code: str) -> list[Draw]:
    """The draws of a subject, oldest first (e.g. a project's award and rate draws)."""
    return list(
        db.session.scalars(
            select(Draw)
            .where(Draw.subject_type == subject_type, Draw.subject_code == subject_code)
            .order_by(Draw.committed_at, Draw.id)
        )
    )
