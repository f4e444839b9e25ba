"""a seat handed over remembers whose it was

Revision ID: 0a1aeb2bf8d5
Revises: b0ca13826780
Create Date: 2026-12-01 15:43:17.999882

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0a1aeb2bf8d5'
down_revision = 'b0ca13826780'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('handed_over_from_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_registration_handed_over_from_id_registration'), 'registration', ['handed_over_from_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('registration', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_registration_handed_over_from_id_registration'), type_='foreignkey')
        batch_op.drop_column('handed_over_from_id')

