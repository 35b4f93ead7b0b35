"""Soak: a busy workshop and its board briefs for minutes, then the database is checked.

The production stack on this machine, each part a real process: gunicorn
(production settings, sync workers), PostgreSQL (a database of its own,
created, migrated and dropped again), Redis (cache, rate limits and Celery's
broker: a Redis database of its own, emptied at the start and the end), two
``celery -A config worker --concurrency 1`` processes and ``celery beat``
(the reaper that puts back briefs whose worker died, docs/briefs.md).

It loads the demo organisation (``load_demo``: communities, purposes, a
revealed round and the demo roadmap with its 42 milestones), adds 20
executives and 2 facilitators, and opens a round of the demo's shortlisted
and chosen purposes × all its needs for the executives. Everyone signs in
through the login form. Then for --duration seconds (300):

- each executive saves scores as the scoring page does (the htmx POST), one
  cell after another and round again, so cells are saved many times, with a
  think time of 0.2–1 s between saves: fast, but a person;
- each facilitator asks for a board brief through the briefs panel's request
  URL (``reports:request``), polls ``reports:panel?poll=…`` every second as
  the page does until the brief is done, downloads the PDF (it must start
  with ``%PDF`` and its SHA-256 must be the one the panel shows), and pauses
  5–15 s before the next. Each facilitator has a roadmap of their own (the
  second is a copy of the demo roadmap made by the roadmap JSON import), so
  both workers draw at once; with --shared-roadmap they share the demo one,
  and a request while its board brief is still at work follows that one.

The production rate limits are not raised (ROADMAP_RATE_SCORE_SAVE 30/10s,
ROADMAP_RATE_BRIEF_REQUEST 10/m, docs/security.md): a 429 is an error like
any other. Afterwards, the database: every score a client saw accepted is
stored once, with the value last accepted for its cell (``lost_writes``
counts those that are not); no duplicate rows; one audit entry per accepted
save; every brief asked for is ``done`` with that file, none left queued or
rendering, no stray PDF on disk.

    .venv/bin/python bench/soak.py [--duration 300] [--executives 20]
        [--facilitators 2] [--workers 4] [--celery-workers 2]
        [--database-url postgres://…/bench_soak] [--redis-url redis://…/15]

The last line printed is one JSON object. The exit status is 1 when a request
failed, a write was lost or a brief did not finish; the machine's load
average is printed with the figures, since others may share it.
"""

import argparse
import hashlib
import io
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # bench/ is not a package: imported from its folder
from harness import Browser, Tally, timed

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_soak"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
PASSWORD = "bench-soak-password"  # noqa: S105 - a throwaway database
KIND = "board"
KIND_LABEL = rb"Board brief"
POLL_IDS = re.compile(rb"\?poll=([0-9,]+)")
ROW_VERSION = re.compile(KIND_LABEL + rb" v(\d+)\s*</th>")
ACTIVE_VERSION = re.compile(KIND_LABEL + rb" v(\d+)</strong>")
ROW_STATUS = re.compile(rb"brief-status-(\w+)")
ROW_SHA = re.compile(rb"\b([0-9a-f]{64})\b")
ROW_DOWNLOAD = re.compile(rb"/briefs/(\d+)/download/")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of load")
    parser.add_argument("--executives", type=int, default=20, help="people scoring")
    parser.add_argument("--facilitators", type=int, default=2, help="people asking for briefs")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--celery-workers", type=int, default=2, help="worker processes")
    parser.add_argument("--think-min-ms", type=float, default=200.0)
    parser.add_argument("--think-max-ms", type=float, default=1000.0)
    parser.add_argument("--brief-pause-min", type=float, default=5.0, help="seconds")
    parser.add_argument("--brief-pause-max", type=float, default=15.0, help="seconds")
    parser.add_argument(
        "--brief-timeout",
        type=float,
        default=240.0,
        help="seconds a brief may take from request to done before it counts as stuck",
    )
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument(
        "--redis-url",
        default=DEFAULT_REDIS_URL,
        help="a Redis database of the soak's own: it is emptied at the start and the end",
    )
    parser.add_argument(
        "--shared-roadmap",
        action="store_true",
        help="all facilitators ask for briefs of the one demo roadmap",
    )
    parser.add_argument("--keep-db", action="store_true", help="leave the database behind")
    parser.add_argument("--seed", type=int, default=11)
    return parser.parse_args()


# ---------------------------------------------------------------- set-up


@dataclass
class Seeded:
    org_slug: str
    org_id: int
    round_id: int
    roadmap_ids: list[int]  # one per facilitator (or the demo roadmap for all)
    milestones: int
    purposes: list[int]
    needs: list[int]
    executives: list[str]
    facilitators: list[str]


def seed(executives: int, facilitators: int, *, shared_roadmap: bool) -> Seeded:
    """The demo organisation, its roadmap (and copies), a live round for the executives."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django_scopes import scope, scopes_disabled

    from communities.models import Need
    from organisations.demo import DEMO_SLUG
    from organisations.models import Organisation
    from organisations.permissions import Role
    from purposes.models import Purpose, PurposeStatus
    from purposes.scoring.services import round_open
    from roadmap import demo as roadmap_demo
    from roadmap.exchange.json_export import export_json_bytes, roadmap_export
    from roadmap.exchange.writing import roadmap_import
    from roadmap.models import Milestone, Roadmap

    call_command("load_demo", stdout=io.StringIO())
    password = make_password(PASSWORD)
    with scopes_disabled():
        org = Organisation.objects.get(slug=DEMO_SLUG)

        def members(role: str, count: int, email: str, first: str, last: str) -> list:
            return [
                harness.add_member(
                    org,
                    email=email.format(i),
                    first=first,
                    last=last.format(i),
                    role=role,
                    password_hash=password,
                )
                for i in range(1, count + 1)
            ]

        runners = members(
            Role.FACILITATOR, facilitators, "facilitator{}@soak.example", "Fay", "Facilitator {}"
        )
        scorers = members(
            Role.EXECUTIVE, executives, "executive{:02d}@soak.example", "Eve", "Executive {:02d}"
        )
    with scope(organisation=org):
        purposes = list(
            Purpose.objects.filter(
                status__in=[PurposeStatus.SHORTLISTED, PurposeStatus.CHOSEN]
            ).order_by("pk")
        )
        needs = list(Need.objects.order_by("pk"))
        live = round_open(
            organisation=org,
            name="Soak round",
            purposes=purposes,
            needs=needs,
            executives=scorers,
            created_by=runners[0],
        )
        roadmap = Roadmap.objects.get(title=roadmap_demo.TITLE)
        milestones = Milestone.objects.filter(roadmap=roadmap).count()
        exported = export_json_bytes(roadmap_export(roadmap))
    roadmaps = [roadmap.pk]
    for runner in runners[1:]:
        copy = roadmap_import(organisation=org, actor=runner, data=exported).roadmap
        roadmaps.append(roadmap.pk if shared_roadmap else copy.pk)
    return Seeded(
        org_slug=org.slug,
        org_id=org.pk,
        round_id=live.pk,
        roadmap_ids=roadmaps,
        milestones=milestones,
        purposes=[p.pk for p in purposes],
        needs=[n.pk for n in needs],
        executives=[u.email for u in scorers],
        facilitators=[u.email for u in runners],
    )


def empty_redis(url: str) -> int:
    import redis

    client = redis.Redis.from_url(url)
    keys = client.dbsize()
    client.flushdb()
    client.close()
    return keys


def start_celery(processes: harness.Processes, env: dict, var_dir: Path, workers: int) -> None:
    celery = str(harness.VENV_BIN / "celery")
    for number in range(1, workers + 1):
        processes.start(
            f"celery worker {number}",
            [
                celery,
                "-A",
                "config",
                "worker",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--without-mingle",
                "--without-gossip",
                "--hostname",
                f"soak{number}@%h",
            ],
            env,
            var_dir / f"worker{number}.log",
        )
    processes.start(
        "celery beat",
        [
            celery,
            "-A",
            "config",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(var_dir / "celerybeat-schedule"),
        ],
        env,
        var_dir / "beat.log",
    )
    from config.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        processes.check()
        if len(app.control.ping(timeout=1.0) or []) >= workers:
            return
    raise SystemExit(f"the Celery workers did not answer a ping within 60 s; see {var_dir}")


# ---------------------------------------------------------------- facilitators


@dataclass
class BriefSeen:
    facilitator: str
    roadmap_id: int
    version: int
    asked: float  # time.monotonic() of the request
    ready_s: float | None = None
    report_id: int | None = None
    status: str = ""
    panel_sha256: str = ""
    pdf_sha256: str = ""
    pdf_bytes: int = 0


@dataclass
class Briefs:
    seen: list[BriefSeen] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, brief: BriefSeen) -> None:
        with self.lock:
            self.seen.append(brief)

    def problem(self, text: str) -> None:
        with self.lock:
            self.problems.append(text)


def panel_rows(panel: bytes) -> dict[int, dict]:
    """The versions table of the panel: version → status, sha256, report id."""
    rows = {}
    for chunk in panel.split(b"<tr")[1:]:
        version = ROW_VERSION.search(chunk)
        if not version:
            continue
        status = ROW_STATUS.search(chunk)
        sha = ROW_SHA.search(chunk)
        download = ROW_DOWNLOAD.search(chunk)
        rows[int(version.group(1))] = {
            "status": status.group(1).decode() if status else "",
            "sha256": sha.group(1).decode() if sha else "",
            "report_id": int(download.group(1)) if download else None,
        }
    return rows


def facilitator_loop(
    email: str,
    browser: Browser,
    paths: dict,
    rng: random.Random,
    args: argparse.Namespace,
    deadline: float,
    tallies: dict[str, Tally],
    briefs: Briefs,
) -> None:
    while harness.running(deadline):
        asked = time.monotonic()
        result = timed(
            tallies["request"],
            lambda: browser.request(
                "POST",
                paths["request"],
                {"csrfmiddlewaretoken": browser.csrf, "kind": KIND},
                {"HX-Request": "true", "X-CSRFToken": browser.csrf},
            ),
            lambda status, page: (
                None if status == 200 and b"briefs-panel" in page else f"HTTP {status}"
            ),
        )
        if result is not None:
            follow_brief(email, browser, paths, result[1], asked, args, tallies, briefs)
        pause = rng.uniform(args.brief_pause_min, args.brief_pause_max)
        end = time.monotonic() + pause
        while harness.running(deadline) and time.monotonic() < end:
            time.sleep(0.2)


def follow_brief(
    email: str,
    browser: Browser,
    paths: dict,
    panel: bytes,
    asked: float,
    args: argparse.Namespace,
    tallies: dict[str, Tally],
    briefs: Briefs,
) -> None:
    """Poll like the page (every second) until this version is done, then download it."""
    active = ACTIVE_VERSION.search(panel)
    if active:
        version = int(active.group(1))
    else:  # drawn already, before the panel was rendered: the newest row is it
        rows = panel_rows(panel)
        if not rows:
            briefs.problem(f"{email}: the panel named no {KIND} brief after the request")
            return
        version = max(rows)
    brief = BriefSeen(
        facilitator=email, roadmap_id=paths["roadmap_id"], version=version, asked=asked
    )
    briefs.add(brief)
    poll = POLL_IDS.search(panel)
    ids = poll.group(1).decode() if poll else ""
    row = None if ids else panel_rows(panel).get(version)
    while row is None or row["status"] not in ("done", "failed"):
        if time.monotonic() - asked > args.brief_timeout:
            tallies["ready"].add(
                (time.monotonic() - asked) * 1000,
                f"not done within {args.brief_timeout:g} s: v{version}",
            )
            return
        if harness.STOP.is_set():
            return
        time.sleep(1.0)
        result = timed(
            tallies["poll"],
            lambda ids=ids: browser.request(
                "GET", f"{paths['panel']}?poll={ids}", headers={"HX-Request": "true"}
            ),
            lambda status, page: None if status == 200 else f"HTTP {status}",
        )
        if result is None or not browser.last_headers.get("HX-Retarget"):
            continue  # only the progress: still at work
        panel = result[1]
        row = panel_rows(panel).get(version)
        poll = POLL_IDS.search(panel)
        ids = poll.group(1).decode() if poll else ""
        if row is None:
            briefs.problem(f"{email}: v{version} is not in the panel any more")
            return
    brief.ready_s = time.monotonic() - asked
    brief.status = row["status"]
    brief.report_id = row["report_id"]
    brief.panel_sha256 = row["sha256"]
    tallies["ready"].add(
        brief.ready_s * 1000, None if row["status"] == "done" else f"v{version} failed"
    )
    if row["status"] != "done" or brief.report_id is None:
        return
    result = timed(
        tallies["download"],
        lambda: browser.request("GET", paths["download"].format(report_id=brief.report_id)),
        lambda status, page: (
            None
            if status == 200 and page.startswith(b"%PDF")
            else f"HTTP {status}, starts {page[:8]!r}"
        ),
    )
    if result is not None:
        brief.pdf_sha256 = hashlib.sha256(result[1]).hexdigest()
        brief.pdf_bytes = len(result[1])
        if brief.pdf_sha256 != brief.panel_sha256:
            briefs.problem(f"v{version}: the PDF's SHA-256 is not the one the panel shows")


# ---------------------------------------------------------------- checks


@dataclass
class BriefCheck:
    asked: int  # requests answered with a brief to follow
    distinct: int  # versions (two facilitators may follow the same one)
    done: int
    failed: int
    stuck: int  # queued or rendering at the end
    retried: int  # rows that needed more than one attempt
    verified: int  # downloads whose bytes match the row's sha256 and size
    stray_files: int  # PDFs on disk that no done row names
    problems: list[str]


def check_briefs(seeded: Seeded, briefs: Briefs, media: Path) -> BriefCheck:
    from django_scopes import scopes_disabled

    from reports.models import Report, ReportStatus

    with scopes_disabled():
        rows = {
            r.pk: r for r in Report.objects.filter(organisation_id=seeded.org_id).defer("snapshot")
        }
    by_version = {(r.roadmap_id, r.kind, r.version): r for r in rows.values()}
    problems = list(briefs.problems)
    verified = 0
    for brief in briefs.seen:
        row = by_version.get((brief.roadmap_id, KIND, brief.version))
        if row is None:
            problems.append(f"v{brief.version}: no such row")
        elif row.status != ReportStatus.DONE:
            problems.append(f"v{brief.version}: {row.status} {row.error}")
        elif brief.pdf_sha256:
            if brief.pdf_sha256 == row.sha256 and brief.pdf_bytes == row.size_bytes:
                verified += 1
            else:
                problems.append(f"v{brief.version}: the download is not the row's file")
    statuses = Counter(row.status for row in rows.values())
    named = {row.file.name for row in rows.values() if row.file}
    on_disk = {
        str(path.relative_to(media / "briefs"))
        for path in (media / "briefs").rglob("*.pdf")
        if path.is_file()
    }
    return BriefCheck(
        asked=len(briefs.seen),
        distinct=len({(brief.roadmap_id, brief.version) for brief in briefs.seen}),
        done=statuses[ReportStatus.DONE],
        failed=statuses[ReportStatus.FAILED],
        stuck=statuses[ReportStatus.QUEUED] + statuses[ReportStatus.RENDERING],
        retried=sum(1 for row in rows.values() if row.attempts > 1),
        verified=verified,
        stray_files=len(on_disk - named),
        problems=problems,
    )


def render_seconds(seeded: Seeded) -> list[float]:
    from django_scopes import scopes_disabled

    from reports.models import Report, ReportStatus

    with scopes_disabled():
        stages = Report.objects.filter(
            organisation_id=seeded.org_id, status=ReportStatus.DONE
        ).values_list("stage_seconds", flat=True)
        return [s["total"] for s in stages if s and "total" in s]


def score_audit_entries(seeded: Seeded) -> int:
    from django_scopes import scopes_disabled

    from organisations.models import AuditEntry

    with scopes_disabled():
        return AuditEntry.objects.filter(
            organisation_id=seeded.org_id,
            content_type__model__in=["needscore", "characteristicscore"],
            additional_data__round=seeded.round_id,
        ).count()


def log_problems(var_dir: Path) -> list[str]:
    """Lines of the servers' logs that say something went wrong."""
    found = []
    for log in sorted(var_dir.glob("*.log")) + sorted(var_dir.glob("*.out")):
        for line in log.read_text(errors="replace").splitlines():
            if re.search(r"\b(ERROR|CRITICAL|Traceback|WorkerLostError)\b", line):
                found.append(f"{log.name}: {line.strip()[:200]}")
    return found


def sample_load(samples: list[float], deadline: float) -> None:
    while harness.running(deadline):
        samples.append(os.getloadavg()[0])
        time.sleep(5)


# ---------------------------------------------------------------- main


def main() -> int:
    args = parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    env = harness.server_environment(
        database_url=args.database_url,
        var_dir=var_dir,
        secret="bench-soak-not-secret",  # noqa: S106
        redis_url=args.redis_url,
        CELERY_BEAT_SCHEDULE_FILENAME=str(var_dir / "celerybeat-schedule"),
    )
    harness.adopt_environment(env)
    harness.stop_on_signals()
    try:
        harness.recreate_database(args.database_url)
    except Exception as error:
        print(f"PostgreSQL is needed at {args.database_url}: {error}", file=sys.stderr)
        return 1
    try:
        leftover = empty_redis(args.redis_url)
    except Exception as error:
        print(f"Redis is needed at {args.redis_url}: {error}", file=sys.stderr)
        harness.recreate_database(args.database_url, drop_only=True)
        return 1

    import django

    django.setup()
    from django.db import connections

    processes = harness.Processes()
    try:
        seeded, seconds = harness.migrate_and_seed(
            lambda: seed(args.executives, args.facilitators, shared_roadmap=args.shared_roadmap)
        )
        print(
            f"set-up: migrate, collectstatic, demo + {args.executives} executives and "
            f"{args.facilitators} facilitators in {seconds:.1f} s "
            f"(Redis database emptied: {leftover} keys were left)"
        )

        port = harness.free_port()
        harness.start_gunicorn(processes, env, port, var_dir / "gunicorn.log", workers=args.workers)
        start_celery(processes, env, var_dir, args.celery_workers)

        rounds = f"/o/{seeded.org_slug}/rounds/{seeded.round_id}"
        briefs_base = f"/o/{seeded.org_slug}/briefs"
        paths = [
            {
                "roadmap_id": roadmap_id,
                "request": f"{briefs_base}/roadmap/{roadmap_id}/request/",
                "panel": f"{briefs_base}/roadmap/{roadmap_id}/",
                "download": briefs_base + "/{report_id}/download/",
            }
            for roadmap_id in seeded.roadmap_ids
        ]
        executives = []
        for email in seeded.executives:
            browser = Browser(port)
            browser.sign_in(email, PASSWORD)
            browser.open_page(f"{rounds}/score/")  # the page an executive scores on
            executives.append((email, browser))
        facilitators = []
        for email, own in zip(seeded.facilitators, paths, strict=True):
            browser = Browser(port)
            browser.sign_in(email, PASSWORD)
            browser.open_page(own["panel"])  # the briefs panel, with its request form
            facilitators.append((email, browser, own))
        for _ in range(args.workers * 2):  # imports and templates, before timing anything
            executives[0][1].request("GET", f"{rounds}/score/")
            facilitators[0][1].request("GET", paths[0]["panel"])

        cells = harness.score_cells(seeded.purposes, seeded.needs)
        saves = Tally("score save")
        tallies = {
            "request": Tally("brief request"),
            "poll": Tally("brief poll"),
            "download": Tally("PDF download"),
            "ready": Tally("brief ready"),  # request to done, as the page saw it (not HTTP)
        }
        accepted: dict[str, dict] = {email: {} for email, _ in executives}
        unsure: dict[str, dict] = {email: {} for email, _ in executives}
        briefs = Briefs()
        load_samples: list[float] = []

        def think(rng: random.Random) -> float:
            return rng.uniform(args.think_min_ms, args.think_max_ms) / 1000

        start = time.monotonic()
        deadline = start + args.duration
        threads = [threading.Thread(target=sample_load, args=(load_samples, deadline), daemon=True)]
        threads += harness.executive_threads(
            executives,
            f"{rounds}/score/save/",
            cells,
            seed=args.seed,
            rng_base=args.seed * 1000,
            think=think,
            deadline=deadline,
            tally=saves,
            accepted=accepted,
            unsure=unsure,
        )
        for number, (email, browser, own) in enumerate(facilitators):
            threads.append(
                threading.Thread(
                    target=facilitator_loop,
                    args=(
                        email,
                        browser,
                        own,
                        random.Random(args.seed * 2000 + number),  # noqa: S311
                        args,
                        deadline,
                        tallies,
                        briefs,
                    ),
                    daemon=True,
                )
            )
        load_before, load_after = harness.run_all(threads)
        elapsed = time.monotonic() - start
        processes.check()  # every server still up at the end

        stored, duplicates = harness.stored_scores(seeded.round_id)
        scores = harness.score_check(stored, accepted, unsure)
        audit_entries = score_audit_entries(seeded)
        brief_check = check_briefs(seeded, briefs, var_dir / "media")
        renders = render_seconds(seeded)
        server_problems = log_problems(var_dir)
    finally:
        harness.STOP.set()
        processes.stop_all()
        connections.close_all()
        if not args.keep_db:
            harness.recreate_database(args.database_url, drop_only=True)
        try:
            empty_redis(args.redis_url)
        except Exception as error:  # the report matters more than the tidying
            print(f"could not empty {args.redis_url}: {error}", file=sys.stderr)
        shutil.rmtree(var_dir, ignore_errors=True)

    http_tallies = [saves, tallies["request"], tallies["poll"], tallies["download"]]
    requests = sum(len(t.times) for t in http_tallies)
    kinds = harness.error_kinds([*http_tallies, tallies["ready"]])
    errors = sum(kinds.values())
    throttled = sum(n for kind, n in kinds.items() if "429" in kind)
    accepted_saves = len(saves.times) - len(saves.errors)
    ready = [t / 1000 for t in tallies["ready"].times]
    ready_p50, ready_p95 = harness.percentile(ready, 50), harness.percentile(ready, 95)
    print(
        f"soak: {args.executives} executives scoring, {args.facilitators} facilitators "
        f"asking for board briefs, {elapsed:.1f} s, against gunicorn ({args.workers} sync "
        f"workers) + PostgreSQL + Redis + {args.celery_workers} Celery workers "
        f"(concurrency 1) + beat"
    )
    print(
        f"  round: {len(seeded.purposes)} purposes × {len(seeded.needs)} needs + 5 "
        f"characteristics = {len(cells)} cells per executive; "
        f"{len(set(seeded.roadmap_ids))} roadmap(s) of {seeded.milestones} milestones; "
        f"rate limits as in production"
    )
    mean_load = statistics.mean(load_samples) if load_samples else float("nan")
    max_load = max(load_samples, default=float("nan"))
    print(
        f"  load average (1 min): before {load_before:.2f}, during mean {mean_load:.2f} "
        f"max {max_load:.2f}, after {load_after:.2f} ({os.cpu_count()} cores)"
    )
    harness.print_tallies(http_tallies)
    print(f"  requests: {requests} ({requests / elapsed:.1f}/s), errors: {errors}")
    for kind, count in sorted(kinds.items()):
        print(f"    {count} × {kind}")
    print(
        f"  briefs: {brief_check.asked} followed ({brief_check.distinct} versions), "
        f"done {brief_check.done}, failed {brief_check.failed}, still queued or rendering "
        f"{brief_check.stuck}, needed a second attempt {brief_check.retried}; request to "
        f"done p50 {ready_p50:.1f} s, p95 {ready_p95:.1f} s;"
        f" render p50 {harness.percentile(renders, 50):.2f} s, p95 "
        f"{harness.percentile(renders, 95):.2f} s"
    )
    print(
        f"  PDFs: {brief_check.verified} downloads match their row (sha256, size); "
        f"stray files on disk: {brief_check.stray_files}"
    )
    print(
        f"  scores: {accepted_saves} saves accepted, {scores.accepted} cells; stored with the "
        f"last accepted value {scores.found}; lost writes {scores.lost}; duplicate rows "
        f"{duplicates}; stored but never seen accepted {scores.unaccepted}; audit entries "
        f"{audit_entries} (one per accepted save: "
        f"{'yes' if audit_entries == accepted_saves else 'NO'})"
    )
    for problem in brief_check.problems[:10]:
        print(f"  brief problem: {problem}")
    for line in server_problems[:10]:
        print(f"  server log: {line}")
    print(
        json.dumps(
            {
                "requests": requests,
                "errors": errors,
                "errors_by_kind": dict(sorted(kinds.items())),
                "throttled": throttled,
                "score_saves": len(saves.times),
                "score_p50_ms": round(saves.percentile(50), 1),
                "score_p95_ms": round(saves.percentile(95), 1),
                "score_p99_ms": round(saves.percentile(99), 1),
                "brief_request_p95_ms": round(tallies["request"].percentile(95), 1),
                "brief_poll_p95_ms": round(tallies["poll"].percentile(95), 1),
                "pdf_download_p95_ms": round(tallies["download"].percentile(95), 1),
                "brief_ready_p50_s": round(ready_p50, 2),
                "brief_ready_p95_s": round(ready_p95, 2),
                "brief_render_p95_s": round(harness.percentile(renders, 95), 2),
                "briefs_followed": brief_check.asked,
                "briefs_done": brief_check.done,
                "briefs_failed": brief_check.failed,
                "briefs_stuck": brief_check.stuck,
                "briefs_retried": brief_check.retried,
                "pdfs_verified": brief_check.verified,
                "stray_pdfs": brief_check.stray_files,
                "accepted_cells": scores.accepted,
                "lost_writes": scores.lost,
                "duplicate_scores": duplicates,
                "unaccepted_stored": scores.unaccepted,
                "score_audit_entries": audit_entries,
                "server_log_problems": len(server_problems),
                "executives": args.executives,
                "facilitators": args.facilitators,
                "gunicorn_workers": args.workers,
                "celery_workers": args.celery_workers,
                "duration_s": round(elapsed, 1),
                "load_before": round(load_before, 2),
                "load_during_mean": round(mean_load, 2),
                "load_during_max": round(max_load, 2),
                "load_after": round(load_after, 2),
            }
        )
    )
    failed = (
        errors
        or scores.lost
        or duplicates
        or brief_check.failed
        or brief_check.stuck
        or brief_check.problems
        or brief_check.stray_files
    )
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted: servers and workers stopped, database dropped", file=sys.stderr)
        sys.exit(130)
