"""Commit to a draw: make the seed, seal it, publish only its SHA-256 (LOTTERY.md, "Commit").

The seed is made here with `secrets.token_bytes(32)`, stored sealed (lottery.seeds: AES-GCM under a
key outside the database) and shown to nobody — no page, API, log or audit entry — until the draw
is drawn or abandoned (lottery.services.meeting); only those two steps open it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit, clock
from app.audit import Action
from app.auth.roles import OFFICE_ROLES
from app.errors import role_of
from app.extensions import db
from app.transactions import transactional
from lottery import engine, rules, search, seeds
from lottery.errors import DrawError
from lottery.models import Draw

from ._common import _checked, _require_draw_office


@dataclass(frozen=True)
class Subject:
    """What a draw belongs to: a type ("project", "pool_category"…), its code and its name."""

    type: str
    code: str
    label: str = ""
    #: The office of the subject (a project's platform, a pool call's district): the draw's
    #: office for lists and guards; not part of the draw record.
    office_id: int | None = None


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
    if subject.office_id is None:
        # Every draw belongs to an office (its lists, guards and notices are the office's).
        raise DrawError(
            "抽签须属于一个机构：未指明项目或入库征集所属的平台或区公管办",
            "A draw belongs to an office: the office of its project or pool call is not given",
            field="subject",
        )
    if role_of(actor) in OFFICE_ROLES:
        # Pool and Trading guard their own use case; this holds the line for staff of another
        # office whatever calls it.
        _require_draw_office(actor, subject, "承诺抽签", "commit a draw")
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
        office_id=subject.office_id,
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
        office_id=subject.office_id,
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
    search.index(d)  # public from its commitment: in the site search from the same commit
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
