"""sign-ups that wait for approval

Revision ID: b0ca13826780
Revises: d1b40cfd7eee
Create Date: 2026-12-01 15:35:23.577655


An event may require approval: its sign-ups are "pending" until a coordinator approves (a seat,
or the waiting list) or declines them (cancelled, with the time declined). The status CHECK
gains the new value; downgrading cancels pending sign-ups first, as the old schema has no
place for them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b0ca13826780'
down_revision = 'd1b40cfd7eee'
branch_labels = None
depends_on = None


OLD = ('confirmed', 'waitlisted', 'cancelled')
NEW = (*OLD, 'pending')


def _statuses(values: tuple[str, ...]) -> str:
    return "status IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    with op.batch_alter_table('event', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('requires_approval', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('registration', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('declined_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(op.f('ck_registration_registrationstatus'), type_='check')
        batch_op.create_check_constraint('registrationstatus', _statuses(NEW))


def downgrade():
    op.execute("UPDATE registration SET status = 'cancelled' WHERE status = 'pending'")
    with op.batch_alter_table('registration', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(op.f('ck_registration_registrationstatus'), type_='check')
        batch_op.create_check_constraint('registrationstatus', _statuses(OLD))
        batch_op.drop_column('declined_at')
    with op.batch_alter_table('event', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('requires_approval')
