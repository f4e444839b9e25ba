"""personal calendar feeds

Revision ID: 94b89f329cd9
Revises: 4ed5cc760fc4
Create Date: 2026-12-01 17:51:41.825583

A person's own subscribable calendar of the sessions they have a seat at, at a secret address
per e-mail address ("Mina kurser").
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '94b89f329cd9'
down_revision = '4ed5cc760fc4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('personal_feed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_feed')),
    sa.UniqueConstraint('email', name=op.f('uq_personal_feed_email')),
    sa.UniqueConstraint('key', name=op.f('uq_personal_feed_key'))
    )


def downgrade():
    op.drop_table('personal_feed')
