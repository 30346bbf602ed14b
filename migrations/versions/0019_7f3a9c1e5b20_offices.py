"""offices: districts and their street/town platforms; every office record names its office

Existing data moves into one default district (code `district`, named after OFFICE_NAME) and its
platforms, one per 街道/镇 written on the projects (codes `street-1`, `street-2`… in the order of
their names). Projects go to the platform of their town; their tradings' notices and SMS, and
their complaints, follow them; everything else (the pool, cases, sanctions, staff accounts) is
the district's. A database without records gets no office: `flask offices create` or
`flask demo` makes the first.

Revision ID: 7f3a9c1e5b20
Revises: 9d4e2b7c1a60
Create Date: 2026-12-03 17:45:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import app.types

# revision identifiers, used by Alembic.
revision = "7f3a9c1e5b20"
down_revision = "9d4e2b7c1a60"
branch_labels = None
depends_on = None

DEFAULT_CODE = "district"
DEFAULT_NAME = "区公共资源交易管理办公室"

#: Tables that get an office, with whether it is filled in for every existing row.
OFFICE_TABLES = (
    "users",
    "projects",
    "notices",
    "pool_calls",
    "sms_messages",
    "complaints",
    "misconduct_cases",
    "sanctions",
    "audit_entries",
    "draws",
)


#: Tables whose every row belongs to an office (NOT NULL once the existing rows are moved).
REQUIRED = ("projects", "notices", "pool_calls", "draws", "complaints", "misconduct_cases", "sanctions")


def _require_office(table: str) -> None:
    """Make `office_id` NOT NULL. On SQLite this copies the table (a batch), which loses its
    triggers: they are read first and created again with the very SQL they had."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.alter_column(table, "office_id", existing_type=sa.Integer(), nullable=False)
        return
    triggers = [
        sql
        for (sql,) in bind.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)
        )
    ]
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column("office_id", existing_type=sa.Integer(), nullable=False)
    for sql in triggers:
        bind.exec_driver_sql(sql)


def _default_name() -> str:
    try:
        from flask import current_app

        return current_app.config.get("OFFICE_NAME") or DEFAULT_NAME
    except RuntimeError:  # outside an application (alembic alone)
        return DEFAULT_NAME


def upgrade():
    op.create_table(
        "offices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("sort_order", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", app.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "(kind = 'district' AND parent_id IS NULL) OR (kind = 'street' AND parent_id IS NOT NULL)",
            name=op.f("ck_offices_parent"),
        ),
        sa.CheckConstraint("kind IN ('district','street')", name=op.f("ck_offices_kind")),
        sa.ForeignKeyConstraint(["parent_id"], ["offices.id"], name=op.f("fk_offices_parent_id_offices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offices")),
        sa.UniqueConstraint("code", name=op.f("uq_offices_code")),
        sa.UniqueConstraint("parent_id", "name", name="uq_offices_parent_name"),
    )
    with op.batch_alter_table("offices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offices_parent_id"), ["parent_id"], unique=False)

    for table in OFFICE_TABLES:
        fk = f"fk_{table}_office_id_offices"
        if op.get_bind().dialect.name == "sqlite":
            # A plain ALTER TABLE … ADD COLUMN with its reference: no table copy, so the
            # append-only triggers of audit_entries and notices stay in place.
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN office_id INTEGER"
                f" CONSTRAINT {fk} REFERENCES offices (id)"
            )
        else:
            op.add_column(table, sa.Column("office_id", sa.Integer(), nullable=True))
            op.create_foreign_key(op.f(fk), table, "offices", ["office_id"], ["id"])
        op.create_index(op.f(f"ix_{table}_office_id"), table, ["office_id"], unique=False)
    _move_existing_data()
    for table in REQUIRED:
        _require_office(table)


def _move_existing_data():
    bind = op.get_bind()
    has_data = any(
        bind.exec_driver_sql(f"SELECT 1 FROM {t} LIMIT 1").first() is not None
        for t in ("users", "projects", "notices", "pool_calls")
    )
    if not has_data:
        return
    now = datetime.now(UTC).replace(tzinfo=None)
    offices = sa.table(
        "offices",
        sa.column("id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("kind", sa.String),
        sa.column("parent_id", sa.Integer),
        sa.column("sort_order", sa.Integer),
        sa.column("created_at", sa.DateTime),
    )
    bind.execute(
        offices.insert().values(
            code=DEFAULT_CODE, name=_default_name(), kind="district", parent_id=None,
            sort_order=0, created_at=now,
        )
    )
    district = bind.execute(sa.text("SELECT id FROM offices WHERE code = :c"), {"c": DEFAULT_CODE}).scalar_one()
    towns = [
        t for (t,) in bind.execute(sa.text("SELECT DISTINCT town FROM projects")).all()
        if t and t.strip()
    ]
    for i, town in enumerate(sorted(towns), start=1):
        bind.execute(
            offices.insert().values(
                code=f"street-{i}", name=town.strip()[:100], kind="street", parent_id=district,
                sort_order=i, created_at=now,
            )
        )
    # Projects to their town's platform (or the district when the town is blank).
    bind.execute(sa.text(
        "UPDATE projects SET office_id = (SELECT o.id FROM offices o WHERE o.parent_id = :d"
        " AND o.name = TRIM(projects.town))"
    ), {"d": district})
    bind.execute(sa.text("UPDATE projects SET office_id = :d WHERE office_id IS NULL"), {"d": district})
    # A trading's notices (its notice, its result, and the corrections of either) follow it.
    trading_notices = (
        "SELECT t.notice_id AS nid, p.office_id AS oid FROM tradings t JOIN projects p ON p.id = t.project_id"
        " UNION SELECT t.result_notice_id, p.office_id FROM tradings t JOIN projects p ON p.id = t.project_id"
        " WHERE t.result_notice_id IS NOT NULL"
    )
    bind.execute(sa.text(
        f"UPDATE notices SET office_id = (SELECT tn.oid FROM ({trading_notices}) tn WHERE tn.nid = notices.id)"
    ))
    bind.execute(sa.text(
        "UPDATE notices SET office_id = (SELECT c.office_id FROM notices c WHERE c.id = notices.corrects_id)"
        " WHERE office_id IS NULL AND corrects_id IS NOT NULL"
    ))
    bind.execute(sa.text("UPDATE notices SET office_id = :d WHERE office_id IS NULL"), {"d": district})
    bind.execute(sa.text(
        "UPDATE sms_messages SET office_id = (SELECT n.office_id FROM notices n WHERE n.id = sms_messages.notice_id)"
    ))
    bind.execute(sa.text(
        "UPDATE complaints SET office_id = (SELECT p.office_id FROM tradings t JOIN projects p"
        " ON p.id = t.project_id WHERE t.id = complaints.trading_id)"
    ))
    _draws_follow_their_subjects(bind, district)
    for table in ("sms_messages", "pool_calls", "misconduct_cases", "sanctions"):
        bind.execute(sa.text(f"UPDATE {table} SET office_id = :d WHERE office_id IS NULL"), {"d": district})
    # Every account but a company's belongs to the district.
    bind.execute(
        sa.text("UPDATE users SET office_id = :d WHERE role <> 'contractor'"), {"d": district}
    )


def _draws_follow_their_subjects(bind, district):
    """A trading's draws get its project's office, the pool's their district. A drawn draw is
    immutable (its guard triggers): they are lifted for this one update and put back as they were."""
    dialect = bind.dialect.name
    if dialect == "postgresql":
        bind.exec_driver_sql("ALTER TABLE draws DISABLE TRIGGER draws_one_shot")
    else:
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS draws_closed_immutable")
    bind.execute(sa.text(
        "UPDATE draws SET office_id = (SELECT p.office_id FROM tradings t JOIN projects p"
        " ON p.id = t.project_id WHERE t.award_draw_id = draws.draw_id"
        " OR t.rate_draw_id = draws.draw_id)"
    ))
    bind.execute(sa.text("UPDATE draws SET office_id = :d WHERE office_id IS NULL"), {"d": district})
    if dialect == "postgresql":
        bind.exec_driver_sql("ALTER TABLE draws ENABLE TRIGGER draws_one_shot")
    else:
        bind.exec_driver_sql(
            "CREATE TRIGGER draws_closed_immutable BEFORE UPDATE ON draws"
            " WHEN OLD.status <> 'committed'"
            " BEGIN SELECT RAISE(ABORT, 'a drawn or abandoned draw is immutable'); END;"
        )


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in reversed(OFFICE_TABLES):
        op.drop_index(op.f(f"ix_{table}_office_id"), table_name=table)
        if sqlite:
            _sqlite_drop_office_id(table)
        else:
            # PostgreSQL drops the column's foreign key with it; the triggers stay in place.
            op.drop_column(table, "office_id")
    op.drop_table("offices")


def _sqlite_drop_office_id(table: str) -> None:
    """Drop `office_id` in place (SQLite >= 3.35: ALTER TABLE … DROP COLUMN): the upgrade added
    it with a column-level reference, which goes with the column, so the table is not copied and
    its append-only triggers (audit_entries, notices, draws) stay. A table whose reference is a
    table constraint (a schema built by create_all) cannot drop it in place: it is copied by a
    batch, which loses its triggers — so they are read first and created again, with the very
    SQL they were created with (migrations 0001, 0002, 0010, 0019)."""
    bind = op.get_bind()
    try:
        bind.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN office_id")
        return
    except sa.exc.OperationalError:
        pass
    triggers = [
        sql
        for (sql,) in bind.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)
        )
    ]
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_column("office_id")
    for sql in triggers:
        bind.exec_driver_sql(sql)
