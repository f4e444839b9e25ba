"""each person chooses on site or online

Revision ID: 9d0b11f3fb1f
Revises: ea04ed15fde2
Create Date: 2026-12-01 16:45:19.917107

An event may let each person choose to come on site or take part online, with seats and a
waiting list of each. Events get the choice and the online seats; registrations the way chosen
(None for every existing one: their events do not ask). Downgrading makes a hybrid event one
pool with the seats of both.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d0b11f3fb1f'
down_revision = 'ea04ed15fde2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('choose_mode', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('online_capacity', sa.Integer(), nullable=True))
        batch_op.create_check_constraint('online_capacity_not_negative', 'online_capacity IS NULL OR online_capacity >= 0')
    with op.batch_alter_table('registration', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.String(length=20), nullable=True))
        batch_op.create_check_constraint('attendancemode', "mode IN ('onsite', 'online')")


def downgrade():
    op.execute(
        "UPDATE event SET capacity = capacity + online_capacity "
        "WHERE choose_mode AND capacity IS NOT NULL AND online_capacity IS NOT NULL"
    )
    op.execute("UPDATE event SET capacity = NULL WHERE choose_mode AND online_capacity IS NULL")
    with op.batch_alter_table('registration', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(op.f('ck_registration_attendancemode'), type_='check')
        batch_op.drop_column('mode')
    with op.batch_alter_table('event', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(op.f('ck_event_online_capacity_not_negative'), type_='check')
        batch_op.drop_column('online_capacity')
        batch_op.drop_column('choose_mode')
