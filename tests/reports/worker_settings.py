"""Settings for a Celery worker that a test starts: the test's own media folder.

``config.settings_test`` gives every process a fresh temporary MEDIA_ROOT; a
worker must write briefs where the test process reads them.
"""

import os

from config.settings_test import *  # noqa: F403

MEDIA_ROOT = os.environ["REPORTS_TEST_MEDIA_ROOT"]
