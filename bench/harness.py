"""What the HTTP benchmarks share: a database, servers and browsers of their own.

``bench/workshop.py`` and ``bench/soak.py`` use it to

- create (and drop again) a PostgreSQL database whose name starts ``bench_``,
- run the project with production settings (DEBUG off, manifest static files)
  on plain HTTP: gunicorn from the venv and, for the soak, Celery workers and
  beat, each child in a session of its own so it can be stopped with all of
  its children whatever happens (``Processes``; Ctrl-C and SIGTERM included),
- sign people in through the login form and act as their browsers do
  (``Browser``: a kept-alive connection, a cookie jar, the CSRF token),
- time requests per kind and count failures (``Tally``, ``timed``),
- play an executive saving scores (``executive_loop``) and check afterwards
  that every score the server accepted is stored with the value last accepted
  (``stored_scores``, ``score_check``).

Only the standard library and the project's venv: http.client threads, no
load-testing tool.
"""

import contextlib
import http.client
import math
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
CHARACTERISTICS = ["magnetism", "draw", "org_value", "risk", "evolution"]
# Settings read from the environment that a developer's shell must not leak
# into the benchmark's servers (a raised rate limit, a test-only stage delay…).
PROJECT_PREFIXES = ("DJANGO_", "DATABASE_", "REDIS_", "ROADMAP_", "CELERY_", "REPORTS_")
# Set when the run must end early (Ctrl-C, SIGTERM): every loop stops.
STOP = threading.Event()
T = TypeVar("T")


# ---------------------------------------------------------------- the server side


def server_environment(
    *, database_url: str, var_dir: Path, secret: str, redis_url: str = "", **settings: str
) -> dict[str, str]:
    """Production settings on plain HTTP, this run's database, files and (maybe) Redis."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(PROJECT_PREFIXES)}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY=secret,
        DJANGO_DEBUG="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        ROADMAP_VAR_DIR=str(var_dir),
        DJANGO_STATIC_ROOT=str(var_dir / "static"),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(settings)
    return env


def adopt_environment(env: dict[str, str]) -> None:
    """Make this process's settings those of the servers (before ``django.setup()``)."""
    for key in [k for k in os.environ if k.startswith(PROJECT_PREFIXES) and k not in env]:
        del os.environ[key]
    os.environ.update(env)


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_on_signals() -> None:
    """Ctrl-C and SIGTERM end the run with KeyboardInterrupt, so every ``finally`` cleans up.

    SIGINT's handler is set too: a shell starts background jobs with SIGINT
    ignored, and Python then leaves it ignored.
    """

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, interrupt)


class Processes:
    """Child processes, each in a session of its own, stopped together at the end."""

    def __init__(self) -> None:
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], env: dict, log: Path) -> subprocess.Popen:
        with open(log, "ab") as output:
            process = subprocess.Popen(  # noqa: S603 - the venv's own programs, fixed arguments
                command,
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                # Its own process group: Ctrl-C in the terminal reaches only this
                # script, which then stops the group (a worker's pool child too).
                start_new_session=True,
            )
        self.running.append((name, process))
        return process

    def check(self) -> None:
        for name, process in self.running:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}")

    def stop_all(self, timeout: float = 20.0) -> None:
        """SIGTERM (a warm shutdown), then SIGKILL to whatever is left of each group."""
        for _name, process in self.running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for _name, process in self.running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            # Whatever is left of the group (a pool child, a stuck worker) goes now.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        self.running.clear()


def wait_for_http(port: int, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}; see {log}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer /healthz within {seconds:g} s; see {log}")


def start_gunicorn(
    processes: Processes, env: dict, port: int, log: Path, *, workers: int, threads: int = 1
) -> subprocess.Popen:
    command = [
        str(VENV_BIN / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        "--keep-alive",
        "5",
        "--error-logfile",
        str(log),
    ]
    process = processes.start("gunicorn", command, env, log.with_suffix(".out"))
    wait_for_http(port, process, log)
    return process


def add_member(org, *, email: str, first: str, last: str, role: str, password_hash: str):
    """A member of ``org``; the caller hashes the password once (the hasher is slow)."""
    from organisations.models import Membership, User

    user = User.objects.create(
        email=email, first_name=first, last_name=last, password=password_hash
    )
    Membership.objects.create(organisation=org, user=user, role=role)
    return user


# ---------------------------------------------------------------- the client side


class Browser:
    """One person's session: a kept-alive connection and a cookie jar."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None
        self.csrf = ""
        self.last_headers: http.client.HTTPMessage | None = None

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
        self.last_headers = response.headers
        return response.status, data, response.headers.get("Location", "")

    def sign_in(self, email: str, password: str) -> None:
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
                "password": password,
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"sign-in of {email} failed: {status} {location}")

    def open_page(self, path: str) -> bytes:
        """GET a page and keep its CSRF token, as the page's forms would."""
        status, page, _ = self.request("GET", path)
        token = CSRF_INPUT.search(page)
        if status != 200 or not token:
            raise RuntimeError(f"{path}: {status}")
        self.csrf = token.group(1).decode()
        return page


def percentile(values: list[float], q: float) -> float:
    """Nearest rank: the smallest value that q % of the values do not exceed."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[index]


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
        return percentile(self.times, q)


def print_tallies(tallies: list[Tally], width: int = 14) -> None:
    print(f"  {'request':<{width}}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for tally in tallies:
        print(
            f"  {tally.name:<{width}}{len(tally.times):>7}{tally.percentile(50):>9.1f}"
            f"{tally.percentile(95):>9.1f}{tally.percentile(99):>9.1f}{len(tally.errors):>8}"
        )


def error_kinds(tallies: list[Tally]) -> Counter:
    """Failures by request and kind: "score save: HTTP 429", "brief poll: TimeoutError"."""
    kinds: Counter = Counter()
    for tally in tallies:
        for error in tally.errors:
            kinds[f"{tally.name}: {error.split(':', 1)[0]}"] += 1
    return kinds


def timed(tally: Tally, call, check) -> tuple[int, bytes] | None:
    """Time ``call()``; ``check(status, body)`` names the problem or returns None."""
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


def running(deadline: float) -> bool:
    return time.monotonic() < deadline and not STOP.is_set()


Cell = tuple[int, int | None, str | None]  # (purpose, need or None, characteristic or None)


def score_cells(purposes: list[int], needs: list[int]) -> list[Cell]:
    """Every need fit and every characteristic of every purpose: the scoring page's cells."""
    cells: list[Cell] = [(p, n, None) for p in purposes for n in needs]
    return cells + [(p, None, c) for p in purposes for c in CHARACTERISTICS]


def executive_loop(
    browser: Browser,
    save_path: str,
    cells: list[Cell],
    rng: random.Random,
    think: Callable[[random.Random], float],
    deadline: float,
    tally: Tally,
    accepted: dict[Cell, int],
    unsure: dict[Cell, int] | None = None,
) -> None:
    """Save scores cell after cell (again and again) as the scoring page's htmx POST does.

    ``accepted`` gets the last score the server accepted per cell. A save
    that got no answer at all (a timeout, a reset) may or may not be stored:
    its score goes in ``unsure`` until the cell is accepted again.
    """
    index = 0
    answered: list[bool] = []  # whether the last save got any answer
    while running(deadline):
        cell = cells[index % len(cells)]
        purpose, need, characteristic = cell
        index += 1
        score = rng.randint(0, 5) if need else rng.randint(1, 5)
        body = {"csrfmiddlewaretoken": browser.csrf, "purpose": purpose, "score": score}
        if need:
            body["need"] = need
        else:
            body["characteristic"] = characteristic
        answered.clear()

        def save(body=body):
            result = browser.request(
                "POST", save_path, body, {"HX-Request": "true", "X-CSRFToken": browser.csrf}
            )
            answered.append(True)
            return result

        result = timed(
            tally,
            save,
            lambda status, page: None if status == 200 and b"Saved" in page else f"save {status}",
        )
        if result is not None:
            accepted[cell] = score
            if unsure is not None:
                unsure.pop(cell, None)
        elif not answered and unsure is not None:
            unsure[cell] = score
        pause = think(rng)
        if pause:
            time.sleep(pause)


def executive_threads(
    executives: list[tuple[str, Browser]],
    save_path: str,
    cells: list[Cell],
    *,
    seed: int,
    rng_base: int,
    think: Callable[[random.Random], float],
    deadline: float,
    tally: Tally,
    accepted: dict[str, dict],
    unsure: dict[str, dict] | None = None,
) -> list[threading.Thread]:
    """An ``executive_loop`` thread per (email, browser), not started.

    Executive ``n`` goes through the cells shuffled by ``Random(seed + n)``
    and picks scores and pauses with ``Random(rng_base + n)``.
    """
    threads = []
    for number, (email, browser) in enumerate(executives):
        own_cells = cells[:]
        random.Random(seed + number).shuffle(own_cells)  # noqa: S311 - sample data
        threads.append(
            threading.Thread(
                target=executive_loop,
                args=(
                    browser,
                    save_path,
                    own_cells,
                    random.Random(rng_base + number),  # noqa: S311 - sample data
                    think,
                    deadline,
                    tally,
                    accepted[email],
                    None if unsure is None else unsure[email],
                ),
                daemon=True,
            )
        )
    return threads


def run_all(threads: list[threading.Thread]) -> tuple[float, float]:
    """Start the threads and wait for them all; the 1-minute load average before and after."""
    load_before = os.getloadavg()[0]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return load_before, os.getloadavg()[0]


def migrate_and_seed(seed: Callable[[], T]) -> tuple[T, float]:
    """Migrate the new database, collect static files and seed it: the seed, and seconds taken.

    Django must be set up. The connections are closed afterwards, so that no
    server process starts with one of ours.
    """
    from django.core.management import call_command
    from django.db import connections

    began = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    seeded = seed()
    connections.close_all()
    return seeded, time.perf_counter() - began


def stored_scores(round_id: int) -> tuple[dict, int]:
    """{(email, purpose, need, characteristic): score} of a round, and duplicate cells."""
    from django.db.models import Count
    from django_scopes import scopes_disabled

    from purposes.models import CharacteristicScore, NeedScore

    with scopes_disabled():
        need_rows = NeedScore.objects.filter(round_id=round_id)
        char_rows = CharacteristicScore.objects.filter(round_id=round_id)
        stored = {
            (email, p, n, None): s
            for email, p, n, s in need_rows.values_list(
                "scorer__email", "purpose_id", "need_id", "score"
            )
        }
        stored.update(
            {
                (email, p, None, c): s
                for email, p, c, s in char_rows.values_list(
                    "scorer__email", "purpose_id", "characteristic", "score"
                )
            }
        )
        duplicates = sum(
            rows.values(*key, "scorer").annotate(n=Count("pk")).filter(n__gt=1).count()
            for rows, key in (
                (need_rows, ("purpose", "need")),
                (char_rows, ("purpose", "characteristic")),
            )
        )
    return stored, duplicates


@dataclass(frozen=True)
class ScoreCheck:
    accepted: int  # cells with an accepted score
    found: int  # stored with the value last accepted (or a save still unanswered)
    unaccepted: int  # stored rows for cells the clients never saw accepted

    @property
    def lost(self) -> int:
        return self.accepted - self.found


def score_check(
    stored: dict,
    accepted_by_email: dict[str, dict[Cell, int]],
    unsure_by_email: dict[str, dict[Cell, int]] | None = None,
) -> ScoreCheck:
    """Every accepted score is stored with the last value accepted for its cell."""
    accepted = found = 0
    seen = set()
    for email, cells in accepted_by_email.items():
        unsure = (unsure_by_email or {}).get(email, {})
        for (purpose, need, characteristic), score in cells.items():
            key = (email, purpose, need, characteristic)
            seen.add(key)
            accepted += 1
            value = stored.get(key)
            found += value == score or (
                value is not None and value == unsure.get((purpose, need, characteristic))
            )
    unsure_keys = {
        (email, *cell) for email, cells in (unsure_by_email or {}).items() for cell in cells
    }
    unaccepted = len(set(stored) - seen - unsure_keys)
    return ScoreCheck(accepted=accepted, found=found, unaccepted=unaccepted)
