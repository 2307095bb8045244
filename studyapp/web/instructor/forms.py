"""Instructor forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from studyapp.models import GradingMethod, Visibility

VISIBILITY = [
    (Visibility.IMMEDIATELY.value, "Immediately after the attempt"),
    (Visibility.AFTER_CLOSE.value, "After the quiz closes"),
    (Visibility.NEVER.value, "Never"),
]


class _Checkboxes(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CourseForm(FlaskForm):
    name = StringField("Class name", validators=[DataRequired(), Length(max=120)])
    term = StringField(
        "Term", validators=[Optional(), Length(max=60)], description="For example: Spring 2027"
    )


class ActionForm(FlaskForm):
    """A button that changes something (CSRF only)."""


class AssignmentForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=120)])
    opens_at = DateTimeLocalField("Opens", validators=[DataRequired()], format="%Y-%m-%dT%H:%M")
    closes_at = DateTimeLocalField(
        "Closes (due)", validators=[DataRequired()], format="%Y-%m-%dT%H:%M"
    )
    time_limit_minutes = IntegerField(
        "Time limit in minutes (optional)", validators=[Optional(), NumberRange(1, 600)]
    )
    attempts_allowed = IntegerField("Attempts allowed", default=1, validators=[NumberRange(1, 20)])
    grading_method = SelectField(
        "Grade by",
        choices=[
            (GradingMethod.HIGHEST.value, "Highest attempt"),
            (GradingMethod.LAST.value, "Last attempt"),
            (GradingMethod.AVERAGE.value, "Average of attempts"),
        ],
    )
    shuffle_questions = BooleanField("Shuffle the questions for each student")
    shuffle_options = BooleanField("Shuffle answer options")
    one_per_page = BooleanField("One question per page")
    show_marks = SelectField("Students see their marks", choices=VISIBILITY)
    show_answers = SelectField(
        "Students see the correct answers", choices=VISIBILITY, default=Visibility.AFTER_CLOSE.value
    )
    source = RadioField(
        "Questions",
        choices=[("draw", "Draw them at random"), ("pick", "Pick them myself")],
        default="draw",
    )
    draw_count = IntegerField(
        "How many to draw", default=10, validators=[Optional(), NumberRange(1, 100)]
    )
    draw_types = _Checkboxes("Types to draw from (none ticked: all)")
    draw_sections = _Checkboxes("Sections to draw from (none ticked: all)")
    same_fact = BooleanField("Allow two questions on the same fact")
    question_ids = _Checkboxes("Picked questions", validate_choice=False)


class OverrideForm(FlaskForm):
    student_id = SelectField("Student", coerce=int)
    extra_minutes = IntegerField("Extra minutes", default=0, validators=[NumberRange(0, 600)])
    closes_at = DateTimeLocalField(
        "Extended close (optional)", validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )
