"""offers of a seat near the start

Revision ID: ea04ed15fde2
Revises: 0a1aeb2bf8d5
Create Date: 2026-12-01 16:06:32.306622


Close to the start a freed seat is offered, not given: the first in line is "offered" and the
seat is held for them until the offer expires. Events get how close (hours before the start)
and how long an offer stands; the status CHECK gains the new value. Downgrading gives the
offered their seat.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ea04ed15fde2'
down_revision = '0a1aeb2bf8d5'
branch_labels = None
depends_on = None


OLD = ('confirmed', 'waitlisted', 'cancelled', 'pending')
NEW = (*OLD, 'offered')


def _statuses(values: tuple[str, ...]) -> str:
    return "status IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    with op.batch_alter_table('event', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('offer_window_hours', sa.Integer(), server_default=sa.text('72'), nullable=False))
        batch_op.add_column(sa.Column('offer_hours', sa.Integer(), server_default=sa.text('24'), nullable=False))
    with op.batch_alter_table('registration', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('offer_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(op.f('ck_registration_registrationstatus'), type_='check')
        batch_op.create_check_constraint('registrationstatus', _statuses(NEW))


def downgrade():
    op.execute("UPDATE registration SET status = 'confirmed', confirmed_at = offer_expires_at WHERE status = 'offered'")
    with op.batch_alter_table('registration', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(op.f('ck_registration_registrationstatus'), type_='check')
        batch_op.create_check_constraint('registrationstatus', _statuses(OLD))
        batch_op.drop_column('offer_expires_at')
    with op.batch_alter_table('event', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('offer_hours')
        batch_op.drop_column('offer_window_hours')
