"""One module per question type; each exposes ``generate(ctx) -> Iterator[Question]``."""
