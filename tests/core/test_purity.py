"""The core never imports the web stack."""

from __future__ import annotations

import subprocess
import sys

WEB = ("flask", "werkzeug", "sqlalchemy", "flask_sqlalchemy", "wtforms", "jinja2", "flask_login")


def test_core_imports_no_web_module():
    code = (
        "import pkgutil, sys, importlib, studyapp.core as core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'studyapp.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "from studyapp.core.questions import seed_bank\n"
        "seed_bank()\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {WEB!r}]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
