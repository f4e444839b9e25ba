"""questions of an event, their choices and the answers

Revision ID: d1b40cfd7eee
Revises: 4358dacede29
Create Date: 2026-12-01 15:00:41.520613

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1b40cfd7eee'
down_revision = '4358dacede29'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('short_text', 'long_text', 'single_choice', 'multiple_choice', 'yes_no', name='questionkind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('text_en', sa.String(length=500), nullable=False),
    sa.Column('help', sa.String(length=1000), nullable=False),
    sa.Column('help_en', sa.String(length=1000), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('removed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_question_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question'))
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_event_id'), ['event_id'], unique=False)

    op.create_table('choice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.Column('text_en', sa.String(length=200), nullable=False),
    sa.Column('places', sa.Integer(), nullable=True),
    sa.Column('removed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_choice_question_id_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_choice'))
    )
    with op.batch_alter_table('choice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_choice_question_id'), ['question_id'], unique=False)

    op.create_table('answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('choice_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['choice_id'], ['choice.id'], name=op.f('fk_answer_choice_id_choice'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_answer_question_id_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_answer_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer'))
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_choice_id'), ['choice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_registration_id'), ['registration_id'], unique=False)



def downgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_registration_id'))
        batch_op.drop_index(batch_op.f('ix_answer_choice_id'))

    op.drop_table('answer')
    with op.batch_alter_table('choice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_choice_question_id'))

    op.drop_table('choice')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_event_id'))

    op.drop_table('question')
