"""library managers: their role and their unit

Revision ID: 5b29f6e0526b
Revises: eec9dc8049c5
Create Date: 2026-12-01 19:59:16.159836


A manager's account (a library's manager, or a municipality's library chief) names the one
unit whose staff it sees. Downgrading removes the managers' accounts.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b29f6e0526b'
down_revision = 'eec9dc8049c5'
branch_labels = None
depends_on = None


OLD_ROLE = sa.Enum('coordinator', 'admin', name='role', native_enum=False, length=20)
NEW_ROLE = sa.Enum('manager', 'coordinator', 'admin', name='role', native_enum=False, length=20)
ONE_UNIT = (
    "role <> 'manager' OR (manager_library_id IS NULL) <> (manager_municipality_id IS NULL)"
)


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('manager_library_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('manager_municipality_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_user_account_manager_library_id_library'), 'library', ['manager_library_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_user_account_manager_municipality_id_municipality'), 'municipality', ['manager_municipality_id'], ['id'])
        # The role's CHECK lists the roles: made again with the new one.
        batch_op.drop_constraint(batch_op.f('ck_user_account_role'), type_='check')
        batch_op.alter_column('role', existing_type=OLD_ROLE, type_=NEW_ROLE, existing_nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_user_account_role'), "role IN ('manager', 'coordinator', 'admin')")
        batch_op.create_check_constraint('manager_has_one_unit', ONE_UNIT)


def downgrade():
    op.execute("DELETE FROM user_account WHERE role = 'manager'")
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_account_manager_has_one_unit'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_user_account_role'), type_='check')
        batch_op.alter_column('role', existing_type=NEW_ROLE, type_=OLD_ROLE, existing_nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_user_account_role'), "role IN ('coordinator', 'admin')")
        batch_op.drop_constraint(batch_op.f('fk_user_account_manager_municipality_id_municipality'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_user_account_manager_library_id_library'), type_='foreignkey')
        batch_op.drop_column('manager_municipality_id')
        batch_op.drop_column('manager_library_id')
