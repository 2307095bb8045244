"""closed-book quizzes; quizzes looked up by question

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    # Existing quizzes become closed book: the safe choice, as for new ones.
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('closed_book', sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table('assignment_question', schema=None) as batch_op:
        batch_op.create_index('ix_assignment_question_question', ['question_id'], unique=False)


def downgrade():
    with op.batch_alter_table('assignment_question', schema=None) as batch_op:
        batch_op.drop_index('ix_assignment_question_question')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_column('closed_book')
