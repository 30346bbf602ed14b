"""Notice bodies of a trading round, from templates/notice_bodies/ (notices.markup.body escapes
every value): the trading notice, its result, its failure (流标) and the correction after a refusal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from contractors.models import Contractor
from contracts import rules
from contracts.models import Project, Trading
from contracts.screening.queries import screen_lines
from lottery.models import Draw
from notices.markup import body


def trading_notice_body(
    p: Project,
    t: Trading,
    table: Sequence[tuple[str, Decimal]],
    award: Draw,
    rate: Draw,
    category_name: str,
) -> str:
    """The project's facts, the response deadline, the meeting, the price of each rate option and
    both draws' seed commitments. Objections and complaints are not in the body: the notice's page
    and its printed copy say them in one wording (notices.rules.objections_text)."""
    return body(
        "trading_notice",
        p=p,
        t=t,
        table=table,
        award=award,
        rate=rate,
        category_name=category_name,
        funding=rules.FUNDING.get(p.funding, p.funding),
    )


def trading_result_body(
    p: Project, t: Trading, ranking: Sequence[str], names: Mapping[str, str], *, screen=()
) -> str:
    """The contract unit, rate and price of a drawn trading, the whole ranking (credit codes and
    `names`), the credit screen (each respondent's check, and who it excluded and why) and both
    draws' ids. `screen` is contracts.screening.queries.screen_of's rows."""
    return body(
        "trading_result",
        p=p,
        t=t,
        ranking=ranking,
        names=names,
        screen=screen_lines(screen),
        excluded=[r for r in screen_lines(screen) if r["excluded"]],
    )


def trading_failed_body(p: Project, t: Trading, reason: str) -> str:
    return body("trading_failed", p=p, t=t, reason=reason)


def refusal_correction_body(
    p: Project, t: Trading, refused: Contractor, successor: Contractor | None
) -> str:
    """The award passed from `refused` to `successor` at the same rate and price, or (None) the
    ranking exhausted."""
    return body("trading_correction", p=p, t=t, refused=refused, successor=successor)
