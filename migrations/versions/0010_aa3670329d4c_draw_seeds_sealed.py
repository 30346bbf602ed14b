"""Draw seeds encrypted at rest: `sealed_seed` while committed, `seed` only once revealed.

The migration seals the seed of every committed draw under the current key (lottery.seeds:
DRAW_SEED_KEY, or the embedded default's instance/draw_seed_key) and clears it in clear, in the
same transaction as the schema change — so no deployment is left with seeds in clear because a
second step was forgotten. `flask db upgrade` runs inside the app, which loaded the keyring at
start-up (production refuses to start without DRAW_SEED_KEY), so the key is at hand.
Backups taken before this migration still hold those seeds in clear.

The triggers of the draws migration froze `seed` with the commitment; a committed draw's seed is
now sealed (and may be sealed again by a key rotation) and set in clear once, at the reveal, so
they are created again without it. The CHECK `seed_at_rest` ties the two columns to the status.

Revision ID: aa3670329d4c
Revises: c0a7d1e3f5b2
Create Date: 2026-12-03 09:00:00

"""
import hashlib

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'aa3670329d4c'
down_revision = 'c0a7d1e3f5b2'
branch_labels = None
depends_on = None

_SEED_LENGTHS_OLD = "length(seed) = 64 AND length(seed_commitment) = 64"
_SEED_LENGTHS = "length(seed_commitment) = 64 AND (seed IS NULL OR length(seed) = 64)"
_SEED_AT_REST = (
    "(status = 'committed' AND seed IS NULL AND sealed_seed IS NOT NULL)"
    " OR (status <> 'committed' AND seed IS NOT NULL AND sealed_seed IS NULL)"
)

_COMMITMENT_OLD = ("draw_id", "kind", "purpose", "winners", "seed", "seed_commitment",
                   "committed_at", "subject_type", "subject_code", "committed_by_id")
_COMMITMENT = tuple(c for c in _COMMITMENT_OLD if c != "seed")

_draws = sa.table(
    "draws",
    sa.column("id", sa.Integer),
    sa.column("draw_id", sa.String),
    sa.column("status", sa.String),
    sa.column("seed", sa.String),
    sa.column("sealed_seed", sa.String),
    sa.column("seed_commitment", sa.String),
)


def _keyring():
    from flask import current_app

    from lottery import seeds

    return seeds.keyring_from_settings(current_app.config, current_app.instance_path)


def upgrade():
    _drop_guards()
    with op.batch_alter_table('draws', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sealed_seed', sa.String(length=120), nullable=True))
        batch_op.alter_column('seed', existing_type=sa.String(length=64), nullable=True)
        batch_op.drop_constraint(op.f('ck_draws_seed_lengths'), type_='check')

    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_draws.c.id, _draws.c.draw_id, _draws.c.seed, _draws.c.seed_commitment)
        .where(_draws.c.status == 'committed')
    ).all()
    if rows:
        ring = _keyring()
        for row in rows:
            seed = bytes.fromhex(row.seed)
            if hashlib.sha256(seed).hexdigest() != row.seed_commitment:
                raise RuntimeError(f"draw {row.draw_id}: its seed does not match its commitment")
            bind.execute(
                _draws.update()
                .where(_draws.c.id == row.id)
                .values(sealed_seed=ring.seal(seed, row.draw_id), seed=None)
            )

    with op.batch_alter_table('draws', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_draws_seed_lengths'), _SEED_LENGTHS)
        batch_op.create_check_constraint(op.f('ck_draws_seed_at_rest'), _SEED_AT_REST)
    _create_guards(_COMMITMENT)


def downgrade():
    _drop_guards()
    with op.batch_alter_table('draws', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_draws_seed_at_rest'), type_='check')
        batch_op.drop_constraint(op.f('ck_draws_seed_lengths'), type_='check')

    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_draws.c.id, _draws.c.draw_id, _draws.c.sealed_seed)
        .where(_draws.c.status == 'committed')
    ).all()
    if rows:
        ring = _keyring()
        for row in rows:
            seed = ring.open(row.sealed_seed, row.draw_id)
            bind.execute(
                _draws.update().where(_draws.c.id == row.id).values(seed=seed.hex())
            )

    with op.batch_alter_table('draws', schema=None) as batch_op:
        batch_op.alter_column('seed', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('sealed_seed')
        batch_op.create_check_constraint(op.f('ck_draws_seed_lengths'), _SEED_LENGTHS_OLD)
    _create_guards(_COMMITMENT_OLD)


# The one-shot guards of the draws migration (529e6fe21aef), with the commitment's columns given.
# A batch migration of `draws` on SQLite recreates the table and drops its triggers: so they are
# dropped first and created again last.


def _create_guards(commitment):
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        frozen = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in commitment)
        op.execute(f"""
            CREATE FUNCTION draws_one_shot() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'a draw record cannot be deleted'; END IF;
              IF OLD.status <> 'committed' THEN
                RAISE EXCEPTION 'a drawn or abandoned draw is immutable';
              END IF;
              -- json has no equality operator: compare the stored text.
              IF {frozen}
                 OR (OLD.candidates IS NOT NULL
                     AND NEW.candidates::text IS DISTINCT FROM OLD.candidates::text) THEN
                RAISE EXCEPTION 'the commitment of a draw cannot change';
              END IF;
              RETURN NEW;
            END $$;
        """)
        op.execute("""
            CREATE TRIGGER draws_one_shot BEFORE UPDATE OR DELETE ON draws
            FOR EACH ROW EXECUTE FUNCTION draws_one_shot();
        """)
    elif dialect == "sqlite":
        frozen = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in commitment)
        op.execute("""
            CREATE TRIGGER draws_no_delete BEFORE DELETE ON draws
            BEGIN SELECT RAISE(ABORT, 'a draw record cannot be deleted'); END;
        """)
        op.execute("""
            CREATE TRIGGER draws_closed_immutable BEFORE UPDATE ON draws
            WHEN OLD.status <> 'committed'
            BEGIN SELECT RAISE(ABORT, 'a drawn or abandoned draw is immutable'); END;
        """)
        op.execute(f"""
            CREATE TRIGGER draws_commitment_frozen BEFORE UPDATE ON draws
            WHEN {frozen}
              OR (OLD.candidates IS NOT NULL AND NEW.candidates IS NOT OLD.candidates)
            BEGIN SELECT RAISE(ABORT, 'the commitment of a draw cannot change'); END;
        """)


def _drop_guards():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS draws_one_shot ON draws")
        op.execute("DROP FUNCTION IF EXISTS draws_one_shot()")
    elif dialect == "sqlite":
        for name in ("draws_no_delete", "draws_closed_immutable", "draws_commitment_frozen"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
