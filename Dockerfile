# One image for web, worker and beat (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# WeasyPrint's system libraries (Pango, HarfBuzz subsetting) and fonts.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
      libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The versions tested, as `make install` has them: requirements.lock pins every
# package (reports/pdf_speedups.py is written for its WeasyPrint and pydyf).
COPY pyproject.toml requirements.lock ./
RUN pip install --upgrade pip && pip install -c requirements.lock .
COPY . .
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput \
 && useradd --system --uid 1000 roadmap && mkdir -p /app/var/media && chown -R roadmap /app/var
# The release starts the keys of cached page fragments (config/settings.py
# RELEASE): every web process of one image shares them in Redis, and after a
# deploy none serves HTML drawn by the old code. Build with e.g.
# --build-arg ROADMAP_RELEASE=$(git rev-parse --short HEAD); without it each
# process makes its own at start (correct, but processes share no fragments).
ARG ROADMAP_RELEASE=""
ENV ROADMAP_RELEASE=${ROADMAP_RELEASE}
USER roadmap
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
