"""the newsletter

Revision ID: 3e0c5b5640cf
Revises: 472a91e72410
Create Date: 2026-12-01 19:24:23.868439

Newsletters and the events they present; a watch may subscribe to the newsletter, and counts
the newsletters in a row the relay refused for its address.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e0c5b5640cf'
down_revision = '472a91e72410'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('newsletter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('introduction', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newsletter'))
    )
    with op.batch_alter_table('newsletter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_newsletter_sent_at'), ['sent_at'], unique=False)

    op.create_table('newsletter_event',
    sa.Column('newsletter_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_newsletter_event_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['newsletter_id'], ['newsletter.id'], name=op.f('fk_newsletter_event_newsletter_id_newsletter'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('newsletter_id', 'event_id', name=op.f('pk_newsletter_event'))
    )
    with op.batch_alter_table('watch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('newsletter', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('newsletters_refused', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('undeliverable_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    # An address that wanted only the newsletter would be left watching nothing.
    op.execute(
        "DELETE FROM watch WHERE newsletter AND NOT everything "
        "AND focus_areas = '' AND audiences = '' AND networks = ''"
    )
    with op.batch_alter_table('watch', schema=None) as batch_op:
        batch_op.drop_column('undeliverable_at')
        batch_op.drop_column('newsletters_refused')
        batch_op.drop_column('newsletter')

    op.drop_table('newsletter_event')
    with op.batch_alter_table('newsletter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_newsletter_sent_at'))

    op.drop_table('newsletter')
