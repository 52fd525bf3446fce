"""session versions, sign-in throttle, calibration owner

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 11:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='0'))

    op.create_table('login_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failure_account'), ['account'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failure_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failure_created_at'), ['created_at'], unique=False)

    # Existing fits belong to whoever fitted them: before this revision that was the only owner there was.
    with op.batch_alter_table('calibration_fit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_id', sa.Integer(), nullable=True))
    op.execute('UPDATE calibration_fit SET owner_id = fitted_by')
    with op.batch_alter_table('calibration_fit', schema=None) as batch_op:
        batch_op.alter_column('owner_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key('fk_calibration_fit_owner_id_user', 'user', ['owner_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_calibration_fit_owner_id'), ['owner_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('calibration_fit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calibration_fit_owner_id'))
        batch_op.drop_constraint('fk_calibration_fit_owner_id_user', type_='foreignkey')
        batch_op.drop_column('owner_id')

    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failure_created_at'))
        batch_op.drop_index(batch_op.f('ix_login_failure_address'))
        batch_op.drop_index(batch_op.f('ix_login_failure_account'))

    op.drop_table('login_failure')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
