"""course certificates

Revision ID: 4ed5cc760fc4
Revises: 9d0b11f3fb1f
Create Date: 2026-12-01 17:47:06.588530

Certificates for those who came, each with a code anyone can check; events get how many
sessions a certificate asks for (none: all) and the contact person's title, who signs them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4ed5cc760fc4'
down_revision = '9d0b11f3fb1f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_certificate_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
    sa.UniqueConstraint('code', name=op.f('uq_certificate_code'))
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index('uq_certificate_valid', ['registration_id'], unique=True, sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))

    with op.batch_alter_table('event', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('contact_title', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('certificate_sessions', sa.Integer(), nullable=True))



def downgrade():
    with op.batch_alter_table('event', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('certificate_sessions')
        batch_op.drop_column('contact_title')

    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index('uq_certificate_valid', sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_certificate_registration_id'))

    op.drop_table('certificate')
