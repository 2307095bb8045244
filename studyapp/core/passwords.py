"""Password policy (NIST SP 800-63B): a length range and no commonly used or guessable password.

No composition rules: a long passphrase of ordinary words is the best password.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib.resources import files

MIN_LENGTH = 8
MAX_LENGTH = 1024

# Words specific to this site that a guesser would try first.
SITE_WORDS = frozenset({"studyapp", "studyapp1", "studyapp123", "studyapp!"})


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lowercase), plus this site's own words."""
    data = files("studyapp").joinpath("data", "common-passwords.txt.gz").read_bytes()
    words = gzip.decompress(data).decode("utf-8").split()
    return frozenset(words) | SITE_WORDS


def password_problem(password: str, email: str = "") -> str | None:
    """Why this password may not be used (a message for the user), or None when it may."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    folded = password.strip().casefold()
    if folded in common_passwords():
        return (
            "That password is on a list of common passwords that attackers try first. "
            "Choose another; a passphrase of several words is best."
        )
    email = email.strip().casefold()
    if email and folded in (email, email.partition("@")[0]):
        return "Do not use your email address as your password."
    return None
