"""The project package wires the apps; importing a domain module pulls in none of it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The domain apps alone, configured by hand: importing config.settings would
# import the config package and with it the Celery app.
PROBE = """
import sys, django
from django.conf import settings
settings.configure(INSTALLED_APPS=[
    "django.contrib.auth", "django.contrib.contenttypes", "auditlog",
    "organisations", "communities", "purposes", "roadmap", "reports",
])
django.setup()
import purposes.scoring.formulas, roadmap.diagnostics, roadmap.readiness, roadmap.timeline
print(sorted({m.split(".")[0] for m in sys.modules} & {"celery", "kombu", "config"}))
"""


def test_importing_pure_modules_configures_no_celery():
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_project_package_holds_the_wiring():
    from django.conf import settings

    from config.celery import app

    assert settings.ROOT_URLCONF == "config.urls"
    assert settings.WSGI_APPLICATION == "config.wsgi.application"
    assert app.main == "config"
    assert not any((ROOT / "roadmap" / name).exists() for name in ("settings.py", "celery.py"))
