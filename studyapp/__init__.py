"""studyapp: quizzes and spaced-repetition study built on one essay's facts.

The package root stays free of web imports so that ``studyapp.core`` can be used on its own;
``create_app`` imports the Flask shell only when called.
"""


def create_app(test_config=None):
    """Build the Flask application (see ``studyapp.app``)."""
    from studyapp.app import create_app as _create_app

    return _create_app(test_config)
