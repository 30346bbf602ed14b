"""The public statistics' rollup (contracts.models.StatRollup): kept in step with the tradings and
draws by the services that change them, in their own transaction, and rebuilt from scratch on
demand (`flask stats rebuild`, and the migration that made the table).

Each event recomputes the figures of the offices and years it touched from their raw rows — one
office's year is at most a few hundred tradings — and writes only the difference, to that office's
rows and to the every-office rows (EVERY_OFFICE) alike. Recomputing rather than adding what the
event did keeps corrections honest: a refusal that passes the award on or fails the trading, a
failed round followed by a new one — whatever the rows say after the event is what the rollup says.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from sqlalchemy import case, delete, func, insert, select, true
from sqlalchemy.dialects import postgresql, sqlite

from app import audit
from app.clock import local
from app.extensions import db
from app.offices.models import Office
from app.transactions import transactional
from contractors.models import Contractor
from contracts import rules
from contracts.models import (
    EVERY_OFFICE,
    Project,
    StatRollup,
    StatVersion,
    Trading,
    TradingResponse,
)
from contracts.queries.figures import local_day, local_month, local_year, outcome_in
from contracts.queries.stats import year_span
from lottery.models import Draw
from notices.models import Notice

#: (office_id, year, figure, key) → (n, total, wins).
Key = tuple[int, int, str, str]
Counts = tuple[int, Decimal, int]

ZERO = (0, Decimal("0"), 0)


def _dialect(conn) -> str:
    """The database's name, for a session (the services) or a connection (the migration)."""
    return conn.get_bind().dialect.name if hasattr(conn, "get_bind") else conn.dialect.name


def compute(conn, office_id: int | None = None, year: int | None = None) -> dict[Key, Counts]:
    """The rollup's rows of one office and year (None: every office's own rows, every year) from
    the tradings and draws themselves: four grouped statements."""
    out: dict[Key, list] = {}

    def add(office: int, yr, figure: str, key: str, n, total=0, wins=0) -> None:
        row = out.setdefault((int(office), int(yr), figure, key), [0, Decimal("0"), 0])
        row[0] += int(n)
        row[1] += Decimal(total or 0)
        row[2] += int(wins or 0)

    span = year_span(year) if year is not None else None
    offices = None if office_id is None else [office_id]

    def scoped(stmt, office_column, moment):
        if office_id is not None:
            stmt = stmt.where(office_column == office_id)
        if span is not None:
            stmt = stmt.where(moment >= span[0], moment < span[1])
        return stmt

    month = local_month(Trading.held_at)
    drawn = scoped(
        select(
            Project.office_id,
            month,
            Project.category_code,
            Trading.discount_rate,
            func.count(),
            func.sum(Trading.contract_price),
        )
        .select_from(Trading)
        .join(Project, Project.id == Trading.project_id)
        .where(outcome_in([rules.Outcome.DRAWN], offices))
        .group_by(Project.office_id, month, Project.category_code, Trading.discount_rate),
        Project.office_id,
        Trading.held_at,
    )
    for office, m, category, rate, n, value in conn.execute(drawn):
        add(office, m[:4], "month", m, n, value)
        add(office, m[:4], "category", category, n, value)
        add(office, m[:4], "rate", f"{Decimal(rate):.2f}", n)

    held = local_year(Trading.held_at)
    published, letter = local_day(Notice.published_at), local_day(Trading.letter_issued_at)
    letters = scoped(
        select(Project.office_id, held, published, letter, func.count())
        .select_from(Trading)
        .join(Notice, Notice.id == Trading.notice_id)
        .join(Project, Project.id == Trading.project_id)
        .where(
            outcome_in([rules.Outcome.DRAWN], offices),
            Trading.letter_issued_at.is_not(None),
            Notice.published_at.is_not(None),
            Project.filed_at.is_not(None),
        )
        .group_by(Project.office_id, held, published, letter),
        Project.office_id,
        Trading.held_at,
    )
    for office, yr, notice_on, letter_on, n in conn.execute(letters):
        add(office, yr, "letter", f"{notice_on} {letter_on}", n)

    entry = (
        func.json_array_elements_text(Draw.candidates).table_valued("value").render_derived()
        if _dialect(conn) == "postgresql"
        else func.json_each(Draw.candidates).table_valued("value")
    )
    size = func.json_array_length(Draw.candidates)
    won = case((entry.c.value == Draw.result[0].as_string(), 1), else_=0)
    drawn_year = local_year(Draw.drawn_at)
    entries = scoped(
        select(
            Draw.office_id,
            drawn_year,
            entry.c.value,
            size,
            Draw.winners,
            func.count(),
            func.sum(won),
        )
        .select_from(Draw)
        .join(entry, true())
        .where(
            Draw.status == "drawn",
            Draw.kind == "ranking",
            Draw.winners == 1,
            Draw.subject_type.in_(rules.DRAW_SUBJECT_TYPES),
        )
        .group_by(Draw.office_id, drawn_year, entry.c.value, size, Draw.winners),
        Draw.office_id,
        Draw.drawn_at,
    )
    for office, yr, uscc, n, winners, count, wins in conn.execute(entries):
        add(office, yr, "entry", f"{uscc} {int(n)} {int(winners)}", count, 0, wins)

    responses = scoped(
        select(Project.office_id, held, Contractor.uscc, func.count())
        .select_from(TradingResponse)
        .join(Trading, Trading.id == TradingResponse.trading_id)
        .join(Project, Project.id == Trading.project_id)
        .join(Contractor, Contractor.id == TradingResponse.contractor_id)
        .where(TradingResponse.withdrawn_at.is_(None), outcome_in(list(rules.Outcome), offices))
        .group_by(Project.office_id, held, Contractor.uscc),
        Project.office_id,
        Trading.held_at,
    )
    for office, yr, uscc, n in conn.execute(responses):
        add(office, yr, "response", uscc, n)
    return {k: (n, total, wins) for k, (n, total, wins) in out.items()}


def _stored(conn, office_id: int, year: int) -> dict[Key, Counts]:
    rows = conn.execute(
        select(
            StatRollup.office_id,
            StatRollup.year,
            StatRollup.figure,
            StatRollup.key,
            StatRollup.n,
            StatRollup.total,
            StatRollup.wins,
        ).where(StatRollup.office_id == office_id, StatRollup.year == year)
    )
    return {(o, y, f, k): (n, Decimal(t or 0), w) for o, y, f, k, n, t, w in rows}


def _insert(conn):
    return (postgresql if _dialect(conn) == "postgresql" else sqlite).insert


def _add(conn, key: Key, delta: Counts) -> None:
    """Add `delta` to a row, creating it at zero first: one upsert, so two transactions adding
    to the same every-office row each add theirs (the row lock orders them on PostgreSQL)."""
    office, year, figure, name = key
    n, total, wins = delta
    table = StatRollup.__table__
    stmt = _insert(conn)(table).values(
        office_id=office, year=year, figure=figure, key=name, n=n, total=total, wins=wins
    )
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[table.c.year, table.c.office_id, table.c.figure, table.c.key],
            set_={
                "n": table.c.n + stmt.excluded.n,
                "total": table.c.total + stmt.excluded.total,
                "wins": table.c.wins + stmt.excluded.wins,
            },
        )
    )


def refresh(conn, touched: Iterable[tuple[int, datetime | None]]) -> None:
    """Bring the rows of each (office, moment's local year) in `touched` in line with the raw
    rows, inside the caller's transaction; the every-office rows move by the same difference."""
    pairs = sorted({(o, local(moment).year) for o, moment in touched if moment is not None})
    # One office's rows are recomputed by one transaction at a time: the office's row is locked
    # (in id order, so that two events cannot deadlock) before its rows are read, so that a
    # difference is never taken between rows read before and after another event's commit.
    # SQLite has one writer at a time anyway, and the event has written already.
    # The audit chain's lock comes first: every event that refreshes writes the chain too, some
    # before the refresh and some after, and a refusal holding the chain waited for an office
    # whose holder waited for the chain — a deadlock (tests/integration/test_stat_rollup.py).
    audit.hold_chain(conn)
    for office_id in sorted({o for o, _y in pairs}):
        # FOR NO KEY UPDATE: it excludes another refresh, not the KEY SHARE lock that every
        # insert of a row naming the office takes (a notice, an audit entry) — FOR UPDATE
        # waited for those, while their holders waited for it.
        conn.execute(
            select(Office.id).where(Office.id == office_id).with_for_update(key_share=True)
        )
    changed = set()
    for office_id, year in pairs:
        fresh, stored = compute(conn, office_id, year), _stored(conn, office_id, year)
        # In key order: two offices' events add to the same every-office rows in one order.
        for key in sorted(fresh.keys() | stored.keys()):
            new, old = fresh.get(key, ZERO), stored.get(key, ZERO)
            delta = (new[0] - old[0], new[1] - old[1], new[2] - old[2])
            if delta != ZERO:
                _add(conn, key, delta)
                _add(conn, (EVERY_OFFICE, *key[1:]), delta)
                changed.add((office_id, year))
    bump(conn, changed)


def bump(conn, pairs: Iterable[tuple[int, int]]) -> None:
    """Move the data version (contracts.models.StatVersion) of each (office, year) whose rows
    changed, and of its year's every-office rows, in the caller's transaction: a process that
    kept the figures of an older version recomputes them (contracts.queries.stats_memo)."""
    keys = sorted({k for o, y in pairs for k in ((y, o), (y, EVERY_OFFICE))})
    table = StatVersion.__table__
    for year, office_id in keys:
        stmt = _insert(conn)(table).values(year=year, office_id=office_id, version=1)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[table.c.year, table.c.office_id],
                set_={"version": table.c.version + 1},
            )
        )


def refresh_trading(t: Trading, *draws: Draw | None) -> None:
    """After an event of trading `t` (its meeting, a refusal), in its transaction: the year of
    its office and those of its draws."""
    db.session.flush()
    refresh(
        db.session,
        [(t.project.office_id, t.held_at), *((d.office_id, d.drawn_at) for d in draws if d)],
    )


def rebuild(conn) -> int:
    """Every row from scratch (the office's rows, then their every-office sums): for a database
    changed by hand, or after a bug. Returns how many rows were written."""
    rows = compute(conn)
    every: dict[Key, list] = {}
    for (_office, year, figure, key), (n, total, wins) in rows.items():
        row = every.setdefault((EVERY_OFFICE, year, figure, key), [0, Decimal("0"), 0])
        row[0] += n
        row[1] += total
        row[2] += wins
    conn.execute(delete(StatRollup.__table__))
    values = [
        {"office_id": o, "year": y, "figure": f, "key": k, "n": n, "total": t, "wins": w}
        for (o, y, f, k), (n, t, w) in [*rows.items(), *every.items()]
    ]
    for i in range(0, len(values), 5_000):
        conn.execute(insert(StatRollup.__table__), values[i : i + 5_000])
    return len(values)


@transactional
def rebuild_all() -> int:
    """`rebuild` as one use case (`flask stats rebuild`), moving every data version: rows
    changed by hand are why it runs, and no process may keep the figures it computed from them."""
    # The years and offices that had rows before, and those that have them after: a figure may
    # vanish (a draw deleted by hand) as well as appear.
    pairs = select(StatRollup.office_id, StatRollup.year).distinct()
    before = db.session.execute(pairs).all()
    written = rebuild(db.session)
    known = db.session.execute(select(StatVersion.office_id, StatVersion.year)).all()
    bump(db.session, {*before, *db.session.execute(pairs).all(), *known})
    return written
