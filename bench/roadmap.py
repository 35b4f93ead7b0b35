"""Benchmark: the roadmap page with 200 milestones, served by gunicorn from PostgreSQL.

It creates its own database (``bench_roadmap``, dropped and made again on each
run), migrates it, collects the static files, loads the demo workshop (people,
communities, purposes, a revealed scoring round) and a 3-year roadmap with 200
milestones, 4 phases and 40 dependencies, then starts gunicorn with the
production settings (DEBUG off) and measures:

- one viewer alone: the page's latency, request after request;
- 10 concurrent viewers, each asking for the page again as soon as it arrives
  (no pause: the harshest reading of "10 viewers"): p50, p95, p99 and pages/s;
  this is ``roadmap_page_200_p95_ms``;
- 10 paced viewers, each pausing a second between pages (people reading):
  p50 and p95, for comparison;
- in-process, as ``bench/timeline.py`` does: the timeline SVG for 200
  milestones, with the layout and the template timed apart (median).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_roadmap \\
        .venv/bin/python bench/roadmap.py [--clients 10] [--requests 40] [--workers 3]

REDIS_URL, if set, is passed to gunicorn (the cache the page's fragments use);
without it each worker caches in its own memory. The last line printed is
one JSON object. Targets (issue 4): SVG ≤ 50 ms median; page p95 ≤ 200 ms
under 10 concurrent viewers.
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_roadmap"


def server_environment(database_url: str, work: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "roadmap.settings",
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        "DJANGO_DEBUG": "",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "ROADMAP_VAR_DIR": str(work / "var"),
        "LOG_LEVEL": "WARNING",
        # Sessions are not cut short while the benchmark runs.
        "DJANGO_SESSION_IDLE_SECONDS": "3600",
    }
    return env


def recreate_database(database_url: str) -> None:
    import psycopg

    parsed = urlparse(database_url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(database_url: str) -> None:
    import psycopg

    parsed = urlparse(database_url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')


def prepare(milestones: int) -> tuple[str, str]:
    """Migrate, collect static files, load the data; the page's path and a session cookie."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client

    from communities import demo as communities_demo
    from organisations import demo as organisations_demo
    from organisations.models import User
    from purposes import demo as purposes_demo
    from purposes import scoring_demo
    from tests.roadmap.factories import sample_roadmap

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    with transaction.atomic():
        org = organisations_demo.load_people()
        communities_demo.load(org)
        purposes_demo.load(org)
        scoring_demo.load(org)
    roadmap = sample_roadmap(org, milestones=milestones, title=f"{milestones} milestones")
    client = Client()
    client.force_login(User.objects.get(email="facilitator@demo.example"))
    return f"/o/{org.slug}/roadmaps/{roadmap.pk}/", client.cookies["sessionid"].value


def get(port: int, path: str, session: str) -> tuple[int, bytes, float]:
    began = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Cookie": f"sessionid={session}"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body, (time.perf_counter() - began) * 1000


def wait_until_up(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def run_concurrent(
    port: int, path: str, sessions: list[str], requests: int, *, think: float = 0.0
) -> tuple[list, float]:
    """Each session is a viewer asking for the page ``requests`` times, pausing ``think`` s."""
    times: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()

    def viewer(session: str) -> None:
        for _ in range(requests):
            status, _body, ms = get(port, path, session)
            with lock:
                times.append(ms)
                if status != 200:
                    failures.append(status)
            if think:
                time.sleep(think)

    threads = [threading.Thread(target=viewer, args=(s,)) for s in sessions]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if failures:
        raise SystemExit(f"{len(failures)} requests failed: {sorted(set(failures))}")
    return times, elapsed


def timeline_figures(runs: int) -> dict:
    from datetime import date

    from bench.timeline import median_ms, sample_roadmap
    from roadmap.svg import render_timeline_svg
    from roadmap.timeline import layout_timeline

    data = sample_roadmap()
    today = date(2027, 2, 15)
    layout = layout_timeline(data, today=today)
    return {
        "layout": median_ms(lambda: layout_timeline(data, today=today), runs),
        "template": median_ms(lambda: render_timeline_svg(layout), runs),
        "svg": median_ms(lambda: render_timeline_svg(layout_timeline(data, today=today)), runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--milestones", type=int, default=200)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--requests", type=int, default=40, help="per client")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--runs", type=int, default=50, help="timeline medians")
    parser.add_argument(
        "--think", type=float, default=1.0, help="pause of a paced viewer between pages, s"
    )
    parser.add_argument("--paced-requests", type=int, default=10, help="per paced viewer")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not database_url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database of its own (bench_roadmap).")
    work = Path(tempfile.mkdtemp(prefix="bench-roadmap-"))
    env = server_environment(database_url, work)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))

    recreate_database(database_url)
    server = None
    try:
        path, session = prepare(args.milestones)
        # One session per viewer, as ten people would have.
        from django.test import Client

        from organisations.models import User

        user = User.objects.get(email="facilitator@demo.example")
        sessions = [session]
        for _ in range(args.clients - 1):
            other = Client()
            other.force_login(user)
            sessions.append(other.cookies["sessionid"].value)

        from django.db import connections

        connections.close_all()
        server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "roadmap.wsgi",
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{args.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        wait_until_up(args.port)

        status, body, _ = get(args.port, path, session)
        rows = body.count(b'<tr id="milestone-')
        if status != 200 or rows != args.milestones:
            raise SystemExit(f"unexpected page: status {status}, {rows} milestone rows")
        for _ in range(3 * args.workers):  # every worker warm, its caches filled
            get(args.port, path, session)

        alone = [get(args.port, path, session)[2] for _ in range(20)]
        times, elapsed = run_concurrent(args.port, path, sessions, args.requests)
        paced, _ = run_concurrent(args.port, path, sessions, args.paced_requests, think=args.think)
        timeline = timeline_figures(args.runs)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            drop_database(database_url)
        shutil.rmtree(work, ignore_errors=True)

    figures = {
        "roadmap_page_200_alone_p50_ms": round(statistics.median(alone), 1),
        "roadmap_page_200_p50_ms": round(percentile(times, 0.50), 1),
        "roadmap_page_200_p95_ms": round(percentile(times, 0.95), 1),
        "roadmap_page_200_p99_ms": round(percentile(times, 0.99), 1),
        "roadmap_page_200_pages_per_s": round(len(times) / elapsed, 1),
        "roadmap_page_200_paced_p50_ms": round(percentile(paced, 0.50), 1),
        "roadmap_page_200_paced_p95_ms": round(percentile(paced, 0.95), 1),
        "roadmap_page_bytes": len(body),
        "timeline_svg_200_median_ms": round(timeline["svg"], 2),
        "timeline_layout_200_median_ms": round(timeline["layout"], 2),
        "timeline_template_200_median_ms": round(timeline["template"], 2),
        "clients": args.clients,
        "requests": len(times),
        "gunicorn_workers": args.workers,
        "cache": "redis" if os.environ.get("REDIS_URL") else "per-worker memory",
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    print(f"roadmap page, {args.milestones} milestones, gunicorn ×{args.workers}, PostgreSQL")
    print(f"  one viewer alone          p50 {figures['roadmap_page_200_alone_p50_ms']:7.1f} ms")
    print(
        f"  {args.clients} concurrent viewers    p50 {figures['roadmap_page_200_p50_ms']:7.1f} ms"
        f"   p95 {figures['roadmap_page_200_p95_ms']:7.1f} ms (target <= 200)"
        f"   p99 {figures['roadmap_page_200_p99_ms']:7.1f} ms"
        f"   {figures['roadmap_page_200_pages_per_s']:.1f} pages/s over {len(times)} requests"
    )
    print(
        f"  {args.clients} paced viewers ({args.think:g} s between pages)"
        f"   p50 {figures['roadmap_page_200_paced_p50_ms']:7.1f} ms"
        f"   p95 {figures['roadmap_page_200_paced_p95_ms']:7.1f} ms"
    )
    print(
        f"  page size {len(body) / 1024:.0f} KB;"
        f" load average (1 min) at the end {os.getloadavg()[0]:.2f}"
    )
    print(f"timeline, {args.milestones} milestones, median of {args.runs} runs, in-process")
    print(f"  layout only           {timeline['layout']:7.2f} ms")
    print(f"  template only         {timeline['template']:7.2f} ms")
    print(f"  SVG (layout+template) {timeline['svg']:7.2f} ms   target <= 50 ms")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
