"""Use cases over the database: one function per thing a user does. No request, flash or templates."""


class ServiceError(Exception):
    """A use case refused its input; the message is safe to show to the user."""
