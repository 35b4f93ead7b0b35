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
- the page's size as sent uncompressed and gzip-compressed
  (``roadmap_page_bytes``, ``roadmap_page_gzip_bytes``); the viewers ask for
  gzip, as browsers do;
- 10 paced viewers, each pausing a second between pages (people reading):
  p50 and p95, for comparison;
- in-process, as ``bench/timeline.py`` does: the timeline SVG for 200
  milestones, with the layout and the template timed apart (median).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_roadmap \\
        .venv/bin/python bench/roadmap.py [--clients 10] [--requests 40] [--workers 3]

REDIS_URL, if set, is passed to gunicorn (the cache the page's fragments use);
without it each worker caches in its own memory. The last line printed is
one JSON object. Targets: SVG ≤ 50 ms median (issue 4); page p95 ≤ 100 ms
under 10 concurrent viewers (200 ms in issue 4).
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The project's folder before bench/: this script's name would hide its ``roadmap`` package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import harness  # bench/ is not a package: imported from its folder
from harness import Browser, Tally, timed

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_roadmap"
VIEWER = "facilitator@demo.example"
# What browsers send: the page comes back compressed (GZipMiddleware).
GZIP = {"Accept-Encoding": "gzip"}


def prepare(milestones: int, viewers: int) -> tuple[str, list[str]]:
    """Migrate, collect static files, load the data; the page's path and a session per viewer."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client

    from communities import demo as communities_demo
    from organisations import demo as organisations_demo
    from organisations.models import User
    from purposes import demo as purposes_demo
    from purposes.scoring import demo as scoring_demo
    from tests.support.roadmap_factories import sample_roadmap

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    with transaction.atomic():
        org = organisations_demo.load_people()
        communities_demo.load(org)
        purposes_demo.load(org)
        scoring_demo.load(org)
    roadmap = sample_roadmap(org, milestones=milestones, title=f"{milestones} milestones")
    # One session per viewer, as ten people would have.
    user = User.objects.get(email=VIEWER)
    sessions = []
    for _ in range(viewers):
        client = Client()
        client.force_login(user)
        sessions.append(client.cookies["sessionid"].value)
    return f"/o/{org.slug}/roadmaps/{roadmap.pk}/", sessions


def signed_in(port: int, session: str) -> Browser:
    browser = Browser(port)
    browser.cookies["sessionid"] = session
    return browser


def read_page(
    browsers: list[Browser], path: str, requests: int, *, think: float = 0.0
) -> tuple[Tally, float]:
    """Each browser is a viewer asking for the page ``requests`` times, pausing ``think`` s.

    gunicorn's sync workers close the connection after each answer, so every
    request is timed from connecting to the page's last byte.
    """
    tally = Tally("roadmap page")

    def viewer(browser: Browser) -> None:
        for _ in range(requests):
            timed(
                tally,
                lambda: browser.request("GET", path, headers=GZIP),
                lambda status, _page: None if status == 200 else f"HTTP {status}",
            )
            if think:
                time.sleep(think)

    threads = [threading.Thread(target=viewer, args=(b,), daemon=True) for b in browsers]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if tally.errors:
        raise SystemExit(f"{len(tally.errors)} requests failed: {sorted(set(tally.errors))}")
    return tally, elapsed


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
    parser.add_argument("--port", type=int, default=0, help="gunicorn port (0 = a free one)")
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
    redis_url = os.environ.get("REDIS_URL", "")
    work = Path(tempfile.mkdtemp(prefix="bench-roadmap-"))
    env = harness.server_environment(
        database_url=database_url,
        var_dir=work,
        secret="bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",  # noqa: S106
        redis_url=redis_url,
        # Sessions are not cut short while the benchmark runs.
        DJANGO_SESSION_IDLE_SECONDS="3600",
        # As a built image has it: every worker keys the page's fragments alike.
        ROADMAP_RELEASE="bench",
    )
    harness.adopt_environment(env)
    harness.stop_on_signals()

    harness.recreate_database(database_url)
    processes = harness.Processes()
    try:
        path, sessions = prepare(args.milestones, args.clients)
        from django.db import connections

        connections.close_all()
        port = args.port or harness.free_port()
        harness.start_gunicorn(processes, env, port, work / "gunicorn.log", workers=args.workers)
        browsers = [signed_in(port, session) for session in sessions]

        status, body, _ = browsers[0].request("GET", path)
        rows = body.count(b'<tr id="milestone-')
        if status != 200 or rows != args.milestones:
            raise SystemExit(f"unexpected page: status {status}, {rows} milestone rows")
        status, compressed, _ = browsers[0].request("GET", path, headers=GZIP)
        encoding = browsers[0].last_headers.get("Content-Encoding", "")
        if status != 200 or encoding != "gzip":
            raise SystemExit(f"no compressed page: status {status}, Content-Encoding {encoding!r}")
        for _ in range(3 * args.workers):  # every worker warm, its caches filled
            browsers[0].request("GET", path)

        alone, _ = read_page(browsers[:1], path, 20)
        crowd, elapsed = read_page(browsers, path, args.requests)
        paced, _ = read_page(browsers, path, args.paced_requests, think=args.think)
        timeline = timeline_figures(args.runs)
    finally:
        processes.stop_all()
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            harness.recreate_database(database_url, drop_only=True)
        shutil.rmtree(work, ignore_errors=True)

    figures = {
        "roadmap_page_200_alone_p50_ms": round(alone.percentile(50), 1),
        "roadmap_page_200_p50_ms": round(crowd.percentile(50), 1),
        "roadmap_page_200_p95_ms": round(crowd.percentile(95), 1),
        "roadmap_page_200_p99_ms": round(crowd.percentile(99), 1),
        "roadmap_page_200_pages_per_s": round(len(crowd.times) / elapsed, 1),
        "roadmap_page_200_paced_p50_ms": round(paced.percentile(50), 1),
        "roadmap_page_200_paced_p95_ms": round(paced.percentile(95), 1),
        "roadmap_page_bytes": len(body),
        "roadmap_page_gzip_bytes": len(compressed),
        "timeline_svg_200_median_ms": round(timeline["svg"], 2),
        "timeline_layout_200_median_ms": round(timeline["layout"], 2),
        "timeline_template_200_median_ms": round(timeline["template"], 2),
        "clients": args.clients,
        "requests": len(crowd.times),
        "gunicorn_workers": args.workers,
        "cache": "redis" if redis_url else "per-worker memory",
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    print(f"roadmap page, {args.milestones} milestones, gunicorn ×{args.workers}, PostgreSQL")
    print(f"  one viewer alone          p50 {figures['roadmap_page_200_alone_p50_ms']:7.1f} ms")
    print(
        f"  {args.clients} concurrent viewers    p50 {figures['roadmap_page_200_p50_ms']:7.1f} ms"
        f"   p95 {figures['roadmap_page_200_p95_ms']:7.1f} ms (target <= 100)"
        f"   p99 {figures['roadmap_page_200_p99_ms']:7.1f} ms"
        f"   {figures['roadmap_page_200_pages_per_s']:.1f} pages/s over {len(crowd.times)} requests"
    )
    print(
        f"  {args.clients} paced viewers ({args.think:g} s between pages)"
        f"   p50 {figures['roadmap_page_200_paced_p50_ms']:7.1f} ms"
        f"   p95 {figures['roadmap_page_200_paced_p95_ms']:7.1f} ms"
    )
    print(
        f"  page size {len(body) / 1024:.0f} KB, {len(compressed) / 1024:.0f} KB gzipped;"
        f" load average (1 min) at the end {os.getloadavg()[0]:.2f}"
    )
    print(f"timeline, {args.milestones} milestones, median of {args.runs} runs, in-process")
    print(f"  layout only           {timeline['layout']:7.2f} ms")
    print(f"  template only         {timeline['template']:7.2f} ms")
    print(f"  SVG (layout+template) {timeline['svg']:7.2f} ms   target <= 50 ms")
    print(json.dumps(figures))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted: gunicorn stopped", file=sys.stderr)
        sys.exit(130)
