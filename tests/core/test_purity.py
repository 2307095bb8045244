"""The core never imports the web stack."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB = ("flask", "werkzeug", "sqlalchemy", "flask_sqlalchemy", "wtforms", "jinja2", "flask_login")
NAMED = (
    "studyapp.core.questions",
    "studyapp.core.grading",
    "studyapp.core.essay",
    "studyapp.core.facts",
    "studyapp.core.scheduling",
    "studyapp.core.stats",
    "studyapp.core.formats",
    "studyapp.core.charts",
)

CODE = f"""
import importlib, importlib.util, json, pkgutil, sys
import studyapp.core as core
named = [m for m in {NAMED!r} if importlib.util.find_spec(m) is not None]
for name in named:
    importlib.import_module(name)
walked = [m.name for m in pkgutil.walk_packages(core.__path__, "studyapp.core.")]
for name in walked:
    importlib.import_module(name)
from studyapp.core.questions import seed_bank
from studyapp.core.grading import check
bank = seed_bank()
check(bank.questions[0], "anything")
web = sorted(m for m in sys.modules if m.split(".")[0] in {WEB!r})
print(json.dumps({{"walked": walked, "web": web}}))
"""


def test_core_imports_no_web_module():
    out = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, check=True, cwd=ROOT
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["web"] == []
    # Every module under studyapp/core was imported, new ones included.
    on_disk = {
        "studyapp." + ".".join(p.relative_to(ROOT / "studyapp").with_suffix("").parts)
        for p in (ROOT / "studyapp" / "core").rglob("*.py")
        if p.name != "__init__.py"
    }
    assert on_disk <= set(result["walked"])
