"""SQL statements and time to render the gradebook and item analysis, for 30 and 300 students.

Usage: python bench/gradebook.py
Builds a class of 30 and one of 300 students, each with a finished attempt at a 40-question quiz,
renders each class's gradebook and item-analysis pages in-process (Flask test client), counts the
SQL statements each render issues, and times the 300-student renders. The last line is one JSON
object: {"queries_30": q1, "queries_300": q2, "ms_300": t} (q = statements for both pages of that
class; t = median of 5 timed renders, in wall milliseconds, of both pages of the 300-student
class, after one untimed warm-up render).
Targets: q1 == q2 (no N+1) and t <= 300.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, insert, select  # noqa: E402

from studyapp import create_app  # noqa: E402
from studyapp.cli import create_schema  # noqa: E402
from studyapp.extensions import db  # noqa: E402
from studyapp.models import (  # noqa: E402
    Attempt,
    AttemptAnswer,
    AttemptState,
    Enrollment,
    Role,
    User,
)
from studyapp.services import assignments as quiz  # noqa: E402
from studyapp.services import courses  # noqa: E402
from studyapp.services.accounts import hash_password, set_hash_profile  # noqa: E402
from studyapp.services.bank import (  # noqa: E402
    core_question,
    graded_types,
    questions_by_ids,
    sync_bank,
)


def build_class(teacher: User, size: int, now: datetime) -> tuple[int, int]:
    """A class of ``size`` students with one finished attempt each at a 40-question quiz."""
    course = courses.create_course(teacher, f"Class of {size}", "")
    hashed = hash_password("bench password")
    rows = [
        {
            "email": f"s{size}-{i}@example.com",
            "name": f"Student {i}",
            "password_hash": hashed,
            "role": Role.STUDENT,
            "created_at": now,
        }
        for i in range(size)
    ]
    db.session.execute(insert(User), rows)
    ids = db.session.scalars(select(User.id).where(User.email.like(f"s{size}-%"))).all()
    db.session.execute(
        insert(Enrollment), [{"course_id": course.id, "user_id": u, "joined_at": now} for u in ids]
    )
    db.session.commit()
    # Facts may repeat: the curated bank has few more gradable facts than a quiz has questions.
    qids = quiz.draw_questions(
        count=40, types=graded_types(), sections=[], seed=size, same_fact=True
    )
    assert len(qids) == 40, len(qids)
    a = quiz.create_assignment(
        course,
        quiz.AssignmentSettings(
            "Forty questions", now - timedelta(days=1), now + timedelta(days=1)
        ),
        qids,
    )
    items = {q: core_question(r) for q, r in questions_by_ids(qids).items()}
    rng = random.Random(size)
    for uid in ids:
        ability = rng.random()
        db.session.execute(
            insert(Attempt),
            [
                {
                    "assignment_id": a.id,
                    "user_id": uid,
                    "number": 1,
                    "state": AttemptState.FINISHED,
                    "started_at": now - timedelta(hours=2),
                    "deadline": now + timedelta(days=1),
                    "finished_at": now - timedelta(hours=1),
                    "finished_by": "submitted",
                    "layout": {"questions": qids, "options": {}},
                }
            ],
        )
    attempts = db.session.execute(
        select(Attempt.id, Attempt.user_id).where(Attempt.assignment_id == a.id)
    ).all()
    answers = []
    marks = {}
    for attempt_id, _ in attempts:
        ability = rng.random()
        total = 0.0
        for qid in qids:
            item = items[qid]
            right = rng.random() < ability
            if item.type == "multiple_choice":
                response = (
                    item.answer
                    if right
                    else rng.choice([o for o in item.options if o != item.answer])
                )
            elif item.type == "true_false":
                response = item.answer if right else not item.answer
            else:
                response = "x"
                right = False
            total += 1.0 if right else 0.0
            answers.append(
                {
                    "attempt_id": attempt_id,
                    "question_id": qid,
                    "response": response,
                    "saved_at": now,
                    "score": 1.0 if right else 0.0,
                    "correct": right,
                }
            )
        marks[attempt_id] = total
    db.session.execute(insert(AttemptAnswer), answers)
    for attempt_id, total in marks.items():
        db.session.get(Attempt, attempt_id).marks = total
        db.session.get(Attempt, attempt_id).max_marks = 40.0
    db.session.commit()
    return course.id, a.id


def main() -> None:
    set_hash_profile("CHEAPEST")
    tmp = Path(tempfile.mkdtemp(prefix="studyapp-gradebook-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'g.sqlite'}",
            "SECRET_KEY": "g" * 40,
            "WTF_CSRF_ENABLED": False,
        }
    )
    now = datetime.now(UTC)
    with app.app_context():
        create_schema()
        sync_bank(0)
        from studyapp.services.accounts import create_user

        teacher = create_user("t@example.com", "Teacher", "bench password", role=Role.INSTRUCTOR)
        db.session.commit()
        small = build_class(teacher, 30, now)
        large = build_class(teacher, 300, now)
    client = app.test_client()
    client.post("/account/login", data={"email": "t@example.com", "password": "bench password"})

    def render(course_id: int, assignment_id: int) -> int:
        count = []
        with app.app_context():
            engine = db.engine
        hook = lambda c, cur, statement, *a, **k: count.append(statement)  # noqa: E731
        event.listen(engine, "before_cursor_execute", hook)
        try:
            for url in (
                f"/teach/courses/{course_id}/gradebook",
                f"/teach/assignments/{assignment_id}",
            ):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
        finally:
            event.remove(engine, "before_cursor_execute", hook)
        render.last = count  # type: ignore[attr-defined]
        return len(count)

    q30 = render(*small)
    q300 = render(*large)
    if "--explain" in sys.argv:
        from collections import Counter

        for statement, n in Counter(render.last).most_common(3):  # type: ignore[attr-defined]
            print(n, statement[:160].replace("\n", " "))
    times = []
    for _ in range(5):
        start = time.perf_counter()
        render(*large)
        times.append((time.perf_counter() - start) * 1000)
    print(f"statements per render (gradebook + item analysis): 30 -> {q30}, 300 -> {q300}")
    print("300-student renders (ms): " + ", ".join(f"{t:.0f}" for t in times))
    print(
        json.dumps(
            {"queries_30": q30, "queries_300": q300, "ms_300": round(statistics.median(times), 1)}
        )
    )


if __name__ == "__main__":
    main()
