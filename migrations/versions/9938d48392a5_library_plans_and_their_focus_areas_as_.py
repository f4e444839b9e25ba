"""library plans and their focus areas as data

Revision ID: 9938d48392a5
Revises: 304e0b484deb
Create Date: 2026-12-01 14:03:31.682639

The three focus areas were a Python enum from the regional library plan 2023–2025. A database
whose events use them gets that plan as data, with every event and every pre-counted statistic
pointing at its area; a database that never used them gets no plan (its region adds its own).
The statistics' keys become the area's id (0 for none). Downgrading maps the three areas back;
an event of any later plan loses its area, and the pre-counted statistics are emptied if any
such area was counted (run ``flask rebuild-statistics`` after the downgrade).
"""
from datetime import date

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9938d48392a5'
down_revision = '304e0b484deb'
branch_labels = None
depends_on = None

PLAN = "Regional biblioteksplan 2023–2025"
#: The enum's values, their names and English names, in the plan's order.
AREAS = (
    ("society", "Biblioteken i samhället", "Libraries in society"),
    ("digital", "Digital delaktighet och kompetens", "Digital inclusion and skills"),
    ("reading", "Läsfrämjande, berättelser och bildning", "Reading, stories and learning"),
)
#: The pre-counted tables and their primary keys without the focus area.
COUNTED = {
    "counted_event": None,
    "monthly_events": ("month", "audience"),
    "monthly_participation": ("month", "library_id", "audience"),
}


def upgrade():
    op.create_table('library_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_library_plan_ends_after_start')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_plan')),
    sa.UniqueConstraint('name', name=op.f('uq_library_plan_name'))
    )
    op.create_table('focus_area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['library_plan.id'], name=op.f('fk_focus_area_plan_id_library_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_focus_area'))
    )
    with op.batch_alter_table('focus_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_focus_area_plan_id'), ['plan_id'], unique=False)

    with op.batch_alter_table('event', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('focus_area_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_event_focus_area_id'), ['focus_area_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_event_focus_area_id_focus_area'), 'focus_area', ['focus_area_id'], ['id'])
    for table in COUNTED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('focus_area_id', sa.Integer(), nullable=False, server_default='0'))

    ids = _add_the_old_plan_if_used()
    for key, area_id in ids.items():
        for table in ("event", *COUNTED):
            op.execute(
                sa.text(f"UPDATE {table} SET focus_area_id = :id WHERE focus_area = :key").bindparams(
                    id=area_id, key=key
                )
            )

    with op.batch_alter_table('event', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(op.f('ck_event_focusarea'), type_='check')
        batch_op.drop_column('focus_area')
    for table, key in COUNTED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            if key is not None:
                batch_op.drop_constraint(op.f(f'pk_{table}'), type_='primary')
            batch_op.drop_column('focus_area')
            batch_op.alter_column('focus_area_id', server_default=None)
            if key is not None:
                batch_op.create_primary_key(op.f(f'pk_{table}'), [key[0], *key[1:-1], 'focus_area_id', key[-1]])


def _add_the_old_plan_if_used() -> dict[str, int]:
    """The plan 2023–2025 and its areas, if any event has one: {enum value: area id}."""
    bind = op.get_bind()
    if not bind.execute(sa.text("SELECT count(*) FROM event WHERE focus_area IS NOT NULL")).scalar():
        return {}
    plan_id = bind.execute(
        sa.text(
            "INSERT INTO library_plan (name, starts_on, ends_on) "
            "VALUES (:name, :starts_on, :ends_on) RETURNING id"
        ),
        {"name": PLAN, "starts_on": date(2023, 1, 1), "ends_on": date(2025, 12, 31)},
    ).scalar_one()
    ids = {}
    for position, (key, name, name_en) in enumerate(AREAS):
        ids[key] = bind.execute(
            sa.text(
                "INSERT INTO focus_area (plan_id, name, name_en, description, position, retired) "
                "VALUES (:plan_id, :name, :name_en, '', :position, :retired) RETURNING id"
            ),
            {"plan_id": plan_id, "name": name, "name_en": name_en, "position": position, "retired": False},
        ).scalar_one()
    return ids


def downgrade():
    bind = op.get_bind()
    keys = dict(
        bind.execute(
            sa.text(
                "SELECT focus_area.id, focus_area.name FROM focus_area "
                "JOIN library_plan ON library_plan.id = focus_area.plan_id "
                "WHERE library_plan.name = :plan"
            ),
            {"plan": PLAN},
        ).all()
    )
    key_of = {name: key for key, name, _ in AREAS}
    keys = {area_id: key_of[name] for area_id, name in keys.items() if name in key_of}

    with op.batch_alter_table('event', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('focus_area', sa.Enum('society', 'digital', 'reading', name='focusarea', native_enum=False, create_constraint=True, length=20), nullable=True))
    for table in COUNTED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('focus_area', sa.String(length=20), nullable=False, server_default=''))

    later = [
        table
        for table in COUNTED
        if bind.execute(
            sa.text(f"SELECT count(*) FROM {table} WHERE focus_area_id NOT IN (0, {', '.join(map(str, keys)) or '0'})")
        ).scalar()
    ]
    if later:  # areas of later plans were counted: the old schema cannot tell them apart
        for table in ("event_participation", *COUNTED):
            op.execute(sa.text(f"DELETE FROM {table}"))
    for area_id, key in keys.items():
        for table in ("event", *COUNTED):
            op.execute(
                sa.text(f"UPDATE {table} SET focus_area = :key WHERE focus_area_id = :id").bindparams(
                    key=key, id=area_id
                )
            )

    for table, key in reversed(COUNTED.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if key is not None:
                batch_op.drop_constraint(op.f(f'pk_{table}'), type_='primary')
            batch_op.drop_column('focus_area_id')
            batch_op.alter_column('focus_area', server_default=None)
            if key is not None:
                batch_op.create_primary_key(op.f(f'pk_{table}'), [key[0], *key[1:-1], 'focus_area', key[-1]])
    with op.batch_alter_table('event', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_event_focus_area_id_focus_area'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_event_focus_area_id'))
        batch_op.drop_column('focus_area_id')

    with op.batch_alter_table('focus_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_focus_area_plan_id'))
    op.drop_table('focus_area')
    op.drop_table('library_plan')
