"""The pure core: essay, facts, question generation, grading, scheduling, statistics, formats.

Nothing under this package imports Flask, Werkzeug, SQLAlchemy or WTForms; time and randomness
come in as arguments.
"""
