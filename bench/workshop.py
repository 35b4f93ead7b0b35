"""Benchmark: a scoring workshop on gunicorn and PostgreSQL, over real HTTP.

It creates a database of its own (dropped again at the end unless --keep-db),
migrates it and seeds one organisation with

- a revealed round of 10 purposes × 20 needs × 8 executives, every cell
  scored at random (so most cells disagree: the heaviest results page), and
- an open round of the same 10 purposes × 20 needs for 20 executives.

Then it starts gunicorn (from the venv), signs everyone in through the login
form (session cookie and CSRF token, as a browser would) and for --duration
seconds lets 20 executive threads save scores (the htmx POST of the scoring
page) while two facilitator sessions reload the results page every half
second and the progress panel is polled every 2 s. Afterwards it checks that
every score the server accepted is in the database with the value last
accepted.

Each executive pauses 0–1 s (--think-ms 500 on average) between saves,
several times faster than anyone who reads the need before choosing, so 20 of
them are a busier workshop than a real one. --think-ms 0 makes it a
saturation test (every executive saves again the moment the last save
answered): then it shows the throughput limit of the machine, and latency is
mostly queueing.

    .venv/bin/python bench/workshop.py [--duration 30] [--workers 4] [--threads 1]
        [--think-ms 500] [--readers 2] [--database-url postgres://…/bench_workshop]

Targets (issue 3, on a 2-core machine): score save p95 ≤ 50 ms; results page
p95 ≤ 150 ms. The last line printed is one JSON object for CI to read. The
exit status is 1 when a request failed or an accepted score is missing, not
when a latency target is missed (the figures say so).
"""

import argparse
import http.client
import json
import math
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_workshop"
ORG_SLUG = "bench"
PASSWORD = "bench-workshop-password"  # noqa: S105 - a throwaway database
PURPOSES, NEEDS, RESULT_EXECUTIVES = 10, 20, 8
CHARACTERISTICS = ["magnetism", "draw", "org_value", "risk", "evolution"]
SAVE_TARGET_P95_MS, RESULTS_TARGET_P95_MS = 50.0, 150.0
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load")
    parser.add_argument("--executives", type=int, default=20, help="concurrent scorers")
    parser.add_argument("--readers", type=int, default=2, help="threads reading the results")
    parser.add_argument(
        "--reader-pause-ms",
        type=float,
        default=500.0,
        help="pause between one reader's results requests",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per gunicorn worker (1 = sync workers; more = gthread)",
    )
    parser.add_argument(
        "--think-ms",
        type=float,
        default=500.0,
        help="mean pause between one executive's saves (0 = save again at once)",
    )
    parser.add_argument("--port", type=int, default=0, help="gunicorn port (0 = a free one)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--keep-db", action="store_true", help="leave the database behind")
    parser.add_argument("--seed", type=int, default=3)
    return parser.parse_args()


# ---------------------------------------------------------------- the server side


def server_environment(args: argparse.Namespace, var_dir: Path) -> dict[str, str]:
    """Production settings (DEBUG off, manifest static files) on plain HTTP."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "ROADMAP_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="roadmap.settings",
        DJANGO_SECRET_KEY="bench-workshop-not-secret",  # noqa: S106
        DJANGO_DEBUG="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=args.database_url,
        ROADMAP_VAR_DIR=str(var_dir),
        DJANGO_STATIC_ROOT=str(var_dir / "static"),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        # The per-user limit on score saves still counts every request, but at
        # this rate never refuses one: the benchmark measures the saving.
        ROADMAP_RATE_SCORE_SAVE="100000/1s",
    )
    return env


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not re.fullmatch(r"bench_\w+", name):
        raise SystemExit(f"refusing to drop {name!r}: the bench database name must start bench_")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if not drop_only:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@dataclass
class Seeded:
    results_round: int
    open_round: int
    facilitator: str
    scorers: list[str]
    purposes: list[int]
    needs: list[int]


def seed(rng: random.Random, executives: int) -> Seeded:
    """One organisation: 4 communities × 5 needs, 10 purposes, two rounds."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from communities.models import Community, CommunityKind, Need
    from organisations.models import Membership, Organisation, User
    from organisations.permissions import Role
    from purposes.models import (
        CharacteristicScore,
        NeedScore,
        Purpose,
        PurposeStatus,
        RoundStatus,
        ScoringRound,
    )

    password = make_password(PASSWORD)  # hashed once: the slow hasher runs one time
    with scopes_disabled():
        org = Organisation.objects.create(name="Bench Components", slug=ORG_SLUG)

        def person(email: str, first: str, last: str, role: str) -> User:
            user = User.objects.create(
                email=email, first_name=first, last_name=last, password=password
            )
            Membership.objects.create(organisation=org, user=user, role=role)
            return user

        facilitator = person("facilitator@bench.example", "Fran", "Facilitator", Role.FACILITATOR)
        readers = [
            person(f"reader{i}@bench.example", "Rita", f"Reader {i}", Role.EXECUTIVE)
            for i in range(1, RESULT_EXECUTIVES + 1)
        ]
        scorers = [
            person(f"scorer{i:02d}@bench.example", "Sam", f"Scorer {i:02d}", Role.EXECUTIVE)
            for i in range(1, executives + 1)
        ]
        kinds = [CommunityKind.CUSTOMERS, CommunityKind.PROSPECTS, CommunityKind.SUPPLIERS]
        kinds += [CommunityKind.EMPLOYEES]
        needs = []
        for c, kind in enumerate(kinds):
            community = Community.objects.create(
                organisation=org, name=f"Community {c + 1}", kind=kind, position=c
            )
            for n in range(NEEDS // len(kinds)):
                needs.append(
                    Need.objects.create(
                        organisation=org,
                        community=community,
                        statement=f"Need {c + 1}.{n + 1}: find answers from peers quickly",
                        weight=1 + (c + n) % 5,
                        position=n,
                    )
                )
        purposes = [
            Purpose.objects.create(
                organisation=org,
                title=f"Purpose {p + 1:02d}: engineers help each other",
                statement="Design engineers share reference designs and answer each other.",
                participants="Design engineers",
                issue="Getting boards right first time",
                value_to_participants="Faster, safer designs",
                value_to_organisation="Qualified leads",
                status=PurposeStatus.SHORTLISTED,
            )
            for p in range(PURPOSES)
        ]
        results_round = ScoringRound.objects.create(
            organisation=org,
            name="Revealed round",
            status=RoundStatus.REVEALED,
            revealed_at=timezone.now(),
            created_by=facilitator,
        )
        results_round.purposes.set(purposes)
        results_round.needs.set(needs)
        results_round.executives.set(readers)
        NeedScore.objects.bulk_create(
            NeedScore(
                organisation=org,
                round=results_round,
                purpose=p,
                need=n,
                scorer=u,
                score=rng.randint(0, 5),
            )
            for p in purposes
            for n in needs
            for u in readers
        )
        CharacteristicScore.objects.bulk_create(
            CharacteristicScore(
                organisation=org,
                round=results_round,
                purpose=p,
                characteristic=c,
                scorer=u,
                score=rng.randint(1, 5),
            )
            for p in purposes
            for c in CHARACTERISTICS
            for u in readers
        )
        open_round = ScoringRound.objects.create(
            organisation=org, name="Live round", created_by=facilitator
        )
        open_round.purposes.set(purposes)
        open_round.needs.set(needs)
        open_round.executives.set(scorers)
    return Seeded(
        results_round=results_round.pk,
        open_round=open_round.pk,
        facilitator=facilitator.email,
        scorers=[u.email for u in scorers],
        purposes=[p.pk for p in purposes],
        needs=[n.pk for n in needs],
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(args: argparse.Namespace, env: dict, port: int, log: Path) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "roadmap.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--worker-class",
        "gthread" if args.threads > 1 else "sync",
        "--keep-alive",
        "5",
        "--error-logfile",
        str(log),
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see {log}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"gunicorn did not answer /healthz within 30 s; see {log}")


# ---------------------------------------------------------------- the client side


class Browser:
    """One person's session: a kept-alive connection and a cookie jar."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None
        self.csrf = ""

    def request(
        self, method: str, path: str, body: dict | None = None, headers: dict | None = None
    ) -> tuple[int, bytes, str]:
        """Send one request; returns (status, body, Location)."""
        all_headers = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        payload = None
        if body is not None:
            payload = urlencode(body, doseq=True).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.connection.request(method, path, payload, all_headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle kept-alive connection: reconnect once.
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.headers.get("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return response.status, data, response.headers.get("Location", "")

    def sign_in(self, email: str) -> None:
        status, page, _ = self.request("GET", "/accounts/login/")
        token = CSRF_INPUT.search(page)
        if status != 200 or not token:
            raise RuntimeError(f"login page: {status}")
        status, _, location = self.request(
            "POST",
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": email,
                "password": PASSWORD,
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"sign-in of {email} failed: {status} {location}")

    def open_page(self, path: str) -> bytes:
        """GET a page and keep its CSRF token, as the scoring page's forms would."""
        status, page, _ = self.request("GET", path)
        token = CSRF_INPUT.search(page)
        if status != 200 or not token:
            raise RuntimeError(f"{path}: {status}")
        self.csrf = token.group(1).decode()
        return page


@dataclass
class Tally:
    """Latencies (ms) and failures of one kind of request, shared by threads."""

    name: str
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, elapsed_ms: float, error: str | None = None) -> None:
        with self.lock:
            self.times.append(elapsed_ms)
            if error:
                self.errors.append(error)

    def percentile(self, q: float) -> float:
        if not self.times:
            return float("nan")
        ordered = sorted(self.times)
        # Nearest rank: the smallest time that q % of the requests did not exceed.
        index = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
        return ordered[index]


def timed(tally: Tally, call, check) -> tuple[int, bytes] | None:
    began = time.perf_counter()
    try:
        status, body, _ = call()
    except Exception as error:  # every failure counts as an error
        tally.add((time.perf_counter() - began) * 1000, f"{type(error).__name__}: {error}")
        return None
    elapsed = (time.perf_counter() - began) * 1000
    problem = check(status, body)
    tally.add(elapsed, problem)
    return None if problem else (status, body)


def executive_loop(
    browser: Browser,
    save_path: str,
    cells: list[tuple[int, int | None, str | None]],
    rng: random.Random,
    think_ms: float,
    deadline: float,
    tally: Tally,
    accepted: dict,
) -> None:
    index = 0
    while time.monotonic() < deadline:
        purpose, need, characteristic = cells[index % len(cells)]
        index += 1
        score = rng.randint(0, 5) if need else rng.randint(1, 5)
        body = {"csrfmiddlewaretoken": browser.csrf, "purpose": purpose, "score": score}
        if need:
            body["need"] = need
        else:
            body["characteristic"] = characteristic
        result = timed(
            tally,
            lambda body=body: browser.request(
                "POST",
                save_path,
                body,
                {"HX-Request": "true", "X-CSRFToken": browser.csrf},
            ),
            lambda status, page: None if status == 200 and b"Saved" in page else f"save {status}",
        )
        if result is not None:
            accepted[purpose, need, characteristic] = score
        if think_ms:
            time.sleep(rng.uniform(0, 2 * think_ms) / 1000)


def reader_loop(
    browser: Browser, path: str, pause_ms: float, deadline: float, tally: Tally
) -> None:
    while time.monotonic() < deadline:
        timed(
            tally,
            lambda: browser.request("GET", path),
            lambda status, page: None if status == 200 and b"ranked-list" in page else f"{status}",
        )
        time.sleep(pause_ms / 1000)


def progress_loop(browser: Browser, path: str, deadline: float, tally: Tally) -> None:
    while time.monotonic() < deadline:
        began = time.monotonic()
        timed(
            tally,
            lambda: browser.request("GET", path, headers={"HX-Request": "true"}),
            lambda status, page: None if status == 200 and b"progress" in page else f"{status}",
        )
        time.sleep(max(0.0, 2.0 - (time.monotonic() - began)))


def verify(seeded: Seeded, accepted_by_email: dict[str, dict]) -> tuple[int, int]:
    """(accepted, found): every accepted score stored with its last accepted value."""
    from django_scopes import scopes_disabled

    from purposes.models import CharacteristicScore, NeedScore

    with scopes_disabled():
        stored = {
            (email, p, n, None): s
            for email, p, n, s in NeedScore.objects.filter(round_id=seeded.open_round).values_list(
                "scorer__email", "purpose_id", "need_id", "score"
            )
        }
        stored.update(
            {
                (email, p, None, c): s
                for email, p, c, s in CharacteristicScore.objects.filter(
                    round_id=seeded.open_round
                ).values_list("scorer__email", "purpose_id", "characteristic", "score")
            }
        )
    accepted = found = 0
    for email, cells in accepted_by_email.items():
        for (purpose, need, characteristic), score in cells.items():
            accepted += 1
            found += stored.get((email, purpose, need, characteristic)) == score
    return accepted, found


# ---------------------------------------------------------------- main


def main() -> int:
    args = parse_args()
    rng = random.Random(args.seed)  # noqa: S311 - sample data, not secrets
    var_dir = Path(tempfile.mkdtemp(prefix="bench-workshop-"))
    env = server_environment(args, var_dir)
    os.environ.update(env)
    for key in [k for k in os.environ if k.startswith("REDIS_")]:
        del os.environ[key]

    try:
        recreate_database(args.database_url)
    except Exception as error:
        print(f"PostgreSQL is needed at {args.database_url}: {error}", file=sys.stderr)
        return 1

    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connections

    gunicorn = None
    try:
        began = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("collectstatic", verbosity=0, interactive=False)
        seeded = seed(rng, args.executives)
        connections.close_all()
        print(f"set-up: migrate, collectstatic, seed in {time.perf_counter() - began:.1f} s")

        port = args.port or free_port()
        gunicorn = start_gunicorn(args, env, port, var_dir / "gunicorn.log")
        base = f"/o/{ORG_SLUG}/rounds"
        results_path = f"{base}/{seeded.results_round}/results/"
        progress_path = f"{base}/{seeded.open_round}/progress/"
        score_path = f"{base}/{seeded.open_round}/score/"
        save_path = f"{base}/{seeded.open_round}/score/save/"

        facilitator = Browser(port)
        facilitator.sign_in(seeded.facilitator)
        readers = [facilitator] + [Browser(port) for _ in range(args.readers)]
        for reader in readers[1:]:
            reader.sign_in(seeded.facilitator)
        executives = []
        for email in seeded.scorers:
            browser = Browser(port)
            browser.sign_in(email)
            browser.open_page(score_path)  # the page an executive scores on
            executives.append((email, browser))
        # Warm every worker (imports, template loading) before timing anything.
        for _ in range(args.workers * args.threads * 2):
            readers[-1].request("GET", results_path)
            executives[0][1].request("GET", score_path)
            facilitator.request("GET", progress_path, headers={"HX-Request": "true"})

        cells = [(p, n, None) for p in seeded.purposes for n in seeded.needs]
        cells += [(p, None, c) for p in seeded.purposes for c in CHARACTERISTICS]
        saves, results, progress = Tally("score save"), Tally("results page"), Tally("progress")
        accepted: dict[str, dict] = {email: {} for email, _ in executives}
        start = time.monotonic()
        deadline = start + args.duration
        threads = []
        for number, (email, browser) in enumerate(executives):
            own_cells = cells[:]
            random.Random(args.seed + number).shuffle(own_cells)  # noqa: S311
            threads.append(
                threading.Thread(
                    target=executive_loop,
                    args=(
                        browser,
                        save_path,
                        own_cells,
                        random.Random(number),  # noqa: S311
                        args.think_ms,
                        deadline,
                        saves,
                        accepted[email],
                    ),
                )
            )
        for reader in readers[1:]:
            threads.append(
                threading.Thread(
                    target=reader_loop,
                    args=(reader, results_path, args.reader_pause_ms, deadline, results),
                )
            )
        threads.append(
            threading.Thread(
                target=progress_loop, args=(facilitator, progress_path, deadline, progress)
            )
        )
        load_before = os.getloadavg()[0]
        client_cpu = resource.getrusage(resource.RUSAGE_SELF)
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start
        load_after = os.getloadavg()[0]
        used = resource.getrusage(resource.RUSAGE_SELF)
        client_cpu_s = used.ru_utime + used.ru_stime - client_cpu.ru_utime - client_cpu.ru_stime
        accepted_count, found = verify(seeded, accepted)
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        connections.close_all()
        if not args.keep_db:
            recreate_database(args.database_url, drop_only=True)
        shutil.rmtree(var_dir, ignore_errors=True)

    server = (
        f"{args.workers} sync workers"
        if args.threads == 1
        else f"{args.workers} workers × {args.threads} threads"
    )
    requests = len(saves.times) + len(results.times) + len(progress.times)
    errors = len(saves.errors) + len(results.errors) + len(progress.errors)
    lost = accepted_count - found
    print(
        f"workshop on gunicorn ({server}) + PostgreSQL, "
        f"{args.executives} executives saving, {args.readers} reading results, "
        f"think time {args.think_ms:g} ms, {elapsed:.1f} s"
    )
    print(
        f"  load average (1 min) before {load_before:.2f}, after {load_after:.2f}; "
        f"this client used {client_cpu_s:.1f} s of CPU ({client_cpu_s / elapsed:.0%} of a core)"
    )
    print(f"  {'request':<14}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for tally in (saves, results, progress):
        print(
            f"  {tally.name:<14}{len(tally.times):>7}{tally.percentile(50):>9.1f}"
            f"{tally.percentile(95):>9.1f}{tally.percentile(99):>9.1f}{len(tally.errors):>8}"
        )
    saves_per_s = len(saves.times) / elapsed
    print(f"  requests per second: {requests / elapsed:.1f} (score saves {saves_per_s:.1f})")
    print(f"  accepted scores stored with their last value: {found} of {accepted_count}")
    for tally in (saves, results, progress):
        for error in sorted(set(tally.errors))[:5]:
            print(f"  error ({tally.name}): {error}")
    save_p95, results_p95 = saves.percentile(95), results.percentile(95)
    print(
        f"  targets: score save p95 {save_p95:.1f} ms (≤ {SAVE_TARGET_P95_MS:g}: "
        f"{'met' if save_p95 <= SAVE_TARGET_P95_MS else 'MISSED'}), results p95 "
        f"{results_p95:.1f} ms (≤ {RESULTS_TARGET_P95_MS:g}: "
        f"{'met' if results_p95 <= RESULTS_TARGET_P95_MS else 'MISSED'})"
    )
    print(
        json.dumps(
            {
                "score_save_p50_ms": round(saves.percentile(50), 1),
                "score_save_p95_ms": round(save_p95, 1),
                "score_save_p99_ms": round(saves.percentile(99), 1),
                "results_p50_ms": round(results.percentile(50), 1),
                "results_p95_ms": round(results_p95, 1),
                "results_p99_ms": round(results.percentile(99), 1),
                "progress_p95_ms": round(progress.percentile(95), 1),
                "requests_per_s": round(requests / elapsed, 1),
                "score_saves": len(saves.times),
                "results_requests": len(results.times),
                "errors": errors,
                "accepted_scores": accepted_count,
                "lost_scores": lost,
                "executives": args.executives,
                "workers": args.workers,
                "threads": args.threads,
                "think_ms": args.think_ms,
                "duration_s": round(elapsed, 1),
                "load_before": round(load_before, 2),
                "load_after": round(load_after, 2),
                "client_cpu_s": round(client_cpu_s, 1),
            }
        )
    )
    return 1 if errors or lost else 0


if __name__ == "__main__":
    sys.exit(main())
