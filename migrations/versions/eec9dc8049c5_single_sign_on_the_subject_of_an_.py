"""single sign-on: the subject of an account, and whether passwords still sign in

Revision ID: eec9dc8049c5
Revises: 750ff0b1aef3
Create Date: 2026-12-01 19:53:26.325012


An account signed in through the region's identity provider keeps its issuer and subject
claim; an administrator may turn password sign-in off.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'eec9dc8049c5'
down_revision = '750ff0b1aef3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_sign_in', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sso_subject', sa.String(length=400), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_user_account_sso_subject'), ['sso_subject'])



def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_account_sso_subject'), type_='unique')
        batch_op.drop_column('sso_subject')

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('password_sign_in')

