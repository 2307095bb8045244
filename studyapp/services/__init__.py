"""Use cases over the database, one function each. No request, flash or templates here."""


class ServiceError(Exception):
    """A use case refused its input; the message is safe to show to the user."""
