"""Settings for the test suite: the real settings, made fast and hermetic."""

import os
import tempfile
import uuid

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("CELERY_QUEUE_DIR", tempfile.mkdtemp(prefix="roadmap-test-celery-"))
# A queue of its own per test run: a worker started by a test never picks up
# tasks left in a shared Redis by another run.
os.environ.setdefault("CELERY_TEST_QUEUE", f"roadmap-test-{uuid.uuid4().hex[:12]}")
# Rate limits stay out of the way of tests that post quickly; the tests of
# the limits themselves set the production rates (tests/security/).
os.environ.setdefault("ROADMAP_RATE_SCORE_SAVE", "100000/10s")
os.environ.setdefault("ROADMAP_RATE_BRIEF_REQUEST", "100000/10s")
os.environ.setdefault("ROADMAP_RATE_ORG_CREATE", "100000/10s")

from config.settings import *  # noqa: F403
from config.settings import CACHES, DATABASES, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="roadmap-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: tests that start a real Celery worker or a live
    # server need a database another process can open.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
STATIC_ROOT = tempfile.mkdtemp(prefix="roadmap-test-static-")
CELERY_TASK_DEFAULT_QUEUE = os.environ["CELERY_TEST_QUEUE"]
# Counters (rate limits) of one run never meet another run's in a shared Redis.
CACHES["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"
