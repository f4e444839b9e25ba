"""watch lists

Revision ID: dc8674d7e1d9
Revises: 5f067e522147
Create Date: 2026-12-01 18:43:39.931944

Watch lists (double opt-in, a digest a day at most), when each event was published (existing
ones count as published when made, so no watcher is told of them), and the one-click
unsubscribe address of a mail.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'dc8674d7e1d9'
down_revision = '5f067e522147'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('watch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('everything', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('focus_areas', sa.String(length=500), nullable=False),
    sa.Column('audiences', sa.String(length=500), nullable=False),
    sa.Column('networks', sa.String(length=500), nullable=False),
    sa.Column('pending', sa.Text(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('told_through', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_mail_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_watch')),
    sa.UniqueConstraint('email', name=op.f('uq_watch_email'))
    )
    with op.batch_alter_table('event', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_event_published_at'), ['published_at'], unique=False)

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unsubscribe_url', sa.String(length=500), server_default='', nullable=False))

    op.execute("UPDATE event SET published_at = created_at WHERE status IN ('published', 'cancelled')")


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('unsubscribe_url')

    with op.batch_alter_table('event', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_published_at'))
        batch_op.drop_column('published_at')

    op.drop_table('watch')
