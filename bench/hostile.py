"""Benchmark: the worst accepted and the worst refused JSON roadmap import of about 2 MB.

Everything goes end to end through ``roadmap_import`` (which calls
``load_document``) in this one process, on a throwaway database: a fresh
SQLite file in a temporary folder, or, when ``DATABASE_URL`` is set, a
PostgreSQL database on that server named ``bench_hostile`` (or the URL's own
name if it starts ``bench_``), created before and dropped after the run.

Accepted: real exports (``roadmap_export`` of roadmaps built here with the
test builders, at the limits of a roadmap (500 milestones, 2,000
dependencies), grown towards the 2 MB limit with notes, in three shapes (the
longest notes, the most milestones, the most dependencies). Each run imports into a fresh
organisation and the summary's counts are checked against the file.

Refused: 184,016 keys in one object; one key under the key limit in one
object; arrays nested to the depth limit, repeated; 2 MB of ``[``; an export
with a schema error in every milestone; a NUL and a lone surrogate escape near the
end of a 2 MB export; a duplicate key deep inside one; one byte over the size
limit; and a 2 MB export that only the last stage (the model's checks, after
every row is written) refuses. Each must raise ``ImportInvalid``.

Each case is the median of ``--runs`` timed imports, after one untimed import
of a small export (the schema validator is built once per process); a case
whose first import takes longer than ``--max-repeat-s`` is not run again (its
one time is reported; ``--max-repeat-s 0`` always makes every run). Target:
each import, accepted or refused, in 2 s or less (reported, never asserted).
Progress goes to stderr.

    .venv/bin/python bench/hostile.py [--runs 3] [--max-repeat-s 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_hostile \\
        .venv/bin/python bench/hostile.py [--runs 3]

The last line printed is one JSON object for CI to read.
"""

import argparse
import atexit
import gc
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

BENCH = Path(__file__).resolve().parent
# The project's folder first (bench/roadmap.py would hide the ``roadmap``
# package), then bench/ for ``harness``.
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

# A throwaway folder for the SQLite file and whatever the test settings make
# with ``tempfile`` (media, static, Celery queue): removed at exit.
TMP = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
atexit.register(shutil.rmtree, TMP, ignore_errors=True)
tempfile.tempdir = str(TMP)
os.environ["ROADMAP_VAR_DIR"] = str(TMP)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
os.environ["DJANGO_DEBUG"] = "0"  # no query log growing through thousands of rows
os.environ.setdefault("LOG_LEVEL", "WARNING")
DATABASE_URL = ""
if os.environ.get("DATABASE_URL"):
    parsed = urlparse(os.environ["DATABASE_URL"])
    if not parsed.path.lstrip("/").startswith("bench_"):
        parsed = parsed._replace(path="/bench_hostile")
    DATABASE_URL = os.environ["DATABASE_URL"] = parsed.geturl()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django_scopes import scope, scopes_disabled  # noqa: E402

from common.limits import (  # noqa: E402
    JSON_MAX_BYTES,
    JSON_MAX_DEPTH,
    JSON_MAX_KEYS,
    MAX_DEPENDENCIES,
    MAX_MILESTONES,
)
from organisations.models import Membership, Organisation, User  # noqa: E402
from organisations.permissions import Role  # noqa: E402
from roadmap.exchange.checks import document_problems  # noqa: E402
from roadmap.exchange.json_export import export_json_bytes, roadmap_export  # noqa: E402
from roadmap.exchange.parsing import _JSON_STRING, ImportInvalid, load_document  # noqa: E402
from roadmap.exchange.writing import roadmap_import  # noqa: E402
from roadmap.models import Milestone, MilestoneDependency, MilestoneStatus, Roadmap  # noqa: E402
from tests.support.roadmap_builders import build_roadmap_for_export  # noqa: E402
from tests.support.world import Tenant  # noqa: E402

TARGET_S = 2.0
LIMIT = JSON_MAX_BYTES
MAX_TEXT = Milestone._meta.get_field("description").max_length
WORDS = [
    *("pilot", "forum", "launch", "moderators", "onboarding", "champions", "webinar"),
    *("content", "seeding", "policy", "review", "privacy", "audit", "budget", "platform"),
    *("renewal", "members", "target", "contributors", "ratio", "survey", "board"),
    *("approval", "partner", "programme", "design", "engineers", "knowledge", "base"),
    *("newsletter", "campaign", "café", "naïve", "–", "reference", "footprints"),
    *("suppliers", "distributors", "lead", "times", "stock"),
]
# Every description ends in plain ASCII, so the hostile variants can rewrite
# its last bytes in place without changing the file's size.
TAIL = " Notes end here; see the minutes of the last review meeting."


# ---------------------------------------------------------------- people and organisations


@dataclass
class People:
    facilitator: User
    executive: User
    count: int = 0

    def organisation(self, label: str) -> Organisation:
        """A new organisation whose members are the facilitator and the executive."""
        self.count += 1
        with scopes_disabled():
            org = Organisation.objects.create(
                name=f"Hostile {label} {self.count}", slug=f"hostile-{self.count}"
            )
            Membership.objects.create(
                organisation=org, user=self.facilitator, role=Role.FACILITATOR
            )
            Membership.objects.create(organisation=org, user=self.executive, role=Role.EXECUTIVE)
        return org

    def tenant(self, org: Organisation) -> Tenant:
        with scopes_disabled():
            return Tenant(org, {m.role: m for m in Membership.objects.filter(organisation=org)})


# ---------------------------------------------------------------- accepted documents


def notes(rng: random.Random, chars: int) -> str:
    if chars <= 0:
        return ""
    words = []
    length = 0
    while length < chars:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    text = " ".join(words).capitalize()
    if chars <= len(TAIL) + 10:
        return ("x" * chars)[:chars]
    return text[: chars - len(TAIL)].rstrip().ljust(chars - len(TAIL), "x") + TAIL


def build_roadmap(
    people: People,
    label: str,
    *,
    milestones: int,
    description_chars: int,
    dependency_every: int = 1,
    dense_dependencies: int = 0,
    seed: int = 7,
) -> Roadmap:
    """The test builder's roadmap (every kind of row) grown to ``milestones`` milestones."""
    rng = random.Random(seed)  # noqa: S311 - sample data, not secrets
    org = people.organisation(f"source {label}")
    roadmap = build_roadmap_for_export(people.tenant(org), milestones=10, title=f"{label} roadmap")
    with scopes_disabled():
        templates = list(Milestone.objects.filter(roadmap=roadmap).order_by("pk"))[:5]
        columns = [f.attname for f in Milestone._meta.concrete_fields if not f.primary_key]
        span = (roadmap.end - roadmap.start).days
        owners = [people.facilitator, people.executive, None]
        rows = []
        for i in range(max(0, milestones - 10)):
            values = {name: getattr(templates[i % 5], name) for name in columns}
            start = roadmap.start + timedelta(days=rng.randrange(span))
            end = None
            if i % 4 == 0:
                end = min(roadmap.end, start + timedelta(days=rng.randint(7, 90)))
            values.update(
                title=f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {i:05d}",
                description=notes(rng, description_chars),
                start=start,
                end=end,
                status=MilestoneStatus.values[i % 5],
                owner_id=owners[i % 3].pk if owners[i % 3] else None,
            )
            rows.append(Milestone(**values))
        Milestone.objects.bulk_create(rows, batch_size=500)
        link(roadmap, dependency_every, dense_dependencies)
    return roadmap


def link(roadmap: Roadmap, every: int, dense: int) -> None:
    """Finish-to-start dependencies in export order (so never a cycle)."""
    ordered = list(
        Milestone.objects.filter(roadmap=roadmap)
        .order_by("start", "pk")
        .values_list("pk", "start", "end")
    )
    existing = set(
        MilestoneDependency.objects.filter(successor__roadmap=roadmap).values_list(
            "predecessor_id", "successor_id"
        )
    )
    pairs = []
    for gap in range(1, len(ordered)) if dense else [3]:
        for a in range(0, len(ordered) - gap, 1 if dense else every):
            (first, _s, first_end), (second, second_start, _e) = ordered[a], ordered[a + gap]
            finish = first_end or ordered[a][1]
            if finish <= second_start and (first, second) not in existing:
                existing.add((first, second))
                pairs.append((first, second))
        if dense and len(existing) >= dense:
            break
    if dense:
        pairs = pairs[: max(0, dense - (len(existing) - len(pairs)))]
    MilestoneDependency.objects.bulk_create(
        [
            MilestoneDependency(
                organisation_id=roadmap.organisation_id, predecessor_id=a, successor_id=b
            )
            for a, b in pairs
        ],
        batch_size=1000,
    )


def export(roadmap: Roadmap) -> bytes:
    with scope(organisation=roadmap.organisation):
        return export_json_bytes(roadmap_export(roadmap))


def grow_to_limit(roadmap: Roadmap, limit: int = LIMIT) -> bytes:
    """The roadmap's export at ``limit`` bytes, or as near as its notes allow: drop
    milestones, then lengthen notes."""
    with scopes_disabled():
        data = export(roadmap)
        while len(data) > limit:
            count = Milestone.objects.filter(roadmap=roadmap).count()
            drop = (len(data) - limit) * count // len(data) + 1
            last = Milestone.objects.filter(roadmap=roadmap).order_by("-pk")[:drop]
            Milestone.objects.filter(pk__in=list(last.values_list("pk", flat=True))).delete()
            data = export(roadmap)
        for _attempt in range(3):
            deficit = limit - len(data)
            if deficit == 0:
                break
            changed = []
            for milestone in Milestone.objects.filter(roadmap=roadmap).order_by("pk"):
                room = MAX_TEXT - len(milestone.description)
                if room <= 0:
                    continue
                add = min(room, deficit)
                milestone.description = "y" * add + milestone.description
                changed.append(milestone)
                deficit -= add
                if not deficit:
                    break
            Milestone.objects.bulk_update(changed, ["description"], batch_size=500)
            data = export(roadmap)
    # At most MAX_MILESTONES milestones with every note at its longest may stay
    # under the limit: then this is the largest export the app accepts.
    return data


# ---------------------------------------------------------------- refused documents


def pad(text: str, size: int = LIMIT) -> bytes:
    """``text`` as UTF-8 with trailing whitespace (valid JSON) up to ``size`` bytes."""
    data = text.encode()
    if len(data) > size:
        raise ValueError(f"{len(data)} bytes is over {size}")
    return data + b" " * (size - len(data))


def many_keys(keys: int, size: int = LIMIT) -> bytes:
    """One object with ``keys`` distinct keys, the first two the export's own."""
    head = '{"format": "purpose-roadmap", "schema_version": 1'
    budget = size - len(head) - 2
    width = max(6, budget // (keys - 2) - 5)  # ',"…":0' is 5 bytes around the key
    entries = "".join(f',"{i:0{width}d}":0' for i in range(keys - 2))
    return pad(head + entries + "}", size)


def nested(depth: int, *, in_export: bool, size: int = LIMIT) -> bytes:
    """Arrays nested ``depth`` deep, repeated; the whole file exactly at the depth limit."""
    unit = "[" * depth + "]" * depth
    if in_export:
        head, tail = '{"format": "purpose-roadmap", "schema_version": 1, "x": [', "]}"
    else:
        head, tail = "[", "]"
    count = (size - len(head) - len(tail) + 1) // (len(unit) + 1)
    return pad(head + ",".join([unit] * count) + tail, size)


def last_description(data: bytes) -> tuple[int, int]:
    """Where the last milestone's description text starts and ends (its closing quote)."""
    start = data.rindex(b'"description": "') + len(b'"description": "')
    end = data.index(b'"', start)
    return start, end


def rewrite_tail(data: bytes, new: bytes) -> bytes:
    """Replace the last ``len(new) - 1`` characters and the closing quote of the last
    milestone's description by ``new``: the same size, somewhere near the end."""
    start, end = last_description(data)
    cut = end - (len(new) - 1)
    old = data[cut : end + 1]
    if cut < start or not old[:-1].isascii():
        raise SystemExit("the last milestone's description is too short to rewrite")
    return data[:cut] + new + data[end + 1 :]


def with_escape(data: bytes, escape: bytes) -> bytes:
    return rewrite_tail(data, escape + b'"')


def with_duplicate_key(data: bytes) -> bytes:
    """``"description": "…", "description": "yy…"`` inside the last milestone."""
    return rewrite_tail(data, b'", "description": "' + b"y" * 21 + b'"')


def with_schema_errors(data: bytes) -> tuple[bytes, int]:
    """Every milestone with one bad field (rotating), trimmed to fit; and how many."""
    document = json.loads(data)
    milestones = document["roadmap"]["milestones"]
    document["roadmap"]["dependencies"] = []
    bad = [
        ("status", "finished"),  # not in the enum
        ("colour", "red"),  # a field the format does not know
        ("start", "2026-02-30"),  # not a real date
        ("purpose_id", "one"),  # not an integer
    ]
    for i, milestone in enumerate(milestones):
        name, value = bad[i % len(bad)]
        milestone[name] = value
    while True:
        text = json.dumps(document, ensure_ascii=False, indent=2)
        size = len(text.encode())
        if size <= LIMIT:
            return pad(text), len(milestones)
        del milestones[-((size - LIMIT) * len(milestones) // size + 1) :]


def with_last_stage_error(data: bytes) -> bytes:
    """The last community milestone measured by a custom metric with no label.

    The schema and the cross-checks allow it; the model's constraint refuses
    it, after every row before it is written (then all is rolled back).
    """
    document = json.loads(data)
    milestones = document["roadmap"]["milestones"]
    index = max(i for i, m in enumerate(milestones) if m["kind"] == "community")
    milestones[index].update(metric="custom", metric_label="")
    return pad(json.dumps(document, ensure_ascii=False, indent=2))


# ---------------------------------------------------------------- cases and timing


@dataclass
class Case:
    name: str
    data: bytes
    expect: str  # "accepted" or "refused"
    what: str
    reason: str = ""  # words the first problem must contain, for a refused case
    counts: dict = field(default_factory=dict)  # summary attributes, for an accepted case
    min_problems: int = 1
    seconds: list[float] = field(default_factory=list)
    outcome: str = ""
    error: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")


def expected_counts(data: bytes) -> dict:
    document = json.loads(data)
    roadmap = document["roadmap"]
    return {
        "milestones_created": len(roadmap["milestones"]),
        "dependencies_created": len(roadmap["dependencies"]),
        "phases_created": len(roadmap["phases"]),
        "purposes_created": len(document["purposes"]),
        "rounds_created": len(document["scoring_rounds"]),
        "communities_created": len(document["communities"]),
        "needs_created": sum(len(c["needs"]) for c in document["communities"]),
        "scores_left_out": 0,
    }


def run_accepted(case: Case, people: People) -> None:
    org = people.organisation(case.name)
    gc.collect()
    began = time.perf_counter()
    try:
        summary = roadmap_import(organisation=org, actor=people.facilitator, data=case.data)
    except ImportInvalid as refused:
        case.seconds.append(time.perf_counter() - began)
        case.outcome = f"refused: {refused.problems[0]}"[:100]
        case.error = f"{case.name}: refused ({len(refused.problems)} problems: {refused})"[:400]
        return
    case.seconds.append(time.perf_counter() - began)
    got = {name: getattr(summary, name) for name in case.counts}
    with scope(organisation=org):
        stored = Milestone.objects.filter(roadmap=summary.roadmap).count()
    wrong = {k: (v, case.counts[k]) for k, v in got.items() if v != case.counts[k]}
    if stored != case.counts["milestones_created"]:
        wrong["stored milestones"] = (stored, case.counts["milestones_created"])
    case.outcome = (
        f"accepted: {summary.milestones_created} milestones, "
        f"{summary.dependencies_created} dependencies"
    )
    if wrong:
        case.error = f"{case.name}: summary (got, expected) {wrong}"


def run_refused(case: Case, org: Organisation, actor: User) -> None:
    gc.collect()
    began = time.perf_counter()
    try:
        summary = roadmap_import(organisation=org, actor=actor, data=case.data)
    except ImportInvalid as refused:
        case.seconds.append(time.perf_counter() - began)
        first = str(refused.problems[0]) if refused.problems else "(no problem listed)"
        case.outcome = f"refused, {len(refused.problems)} problem(s): {first}"
        if len(refused.problems) < case.min_problems:
            case.error = (
                f"{case.name}: {len(refused.problems)} problems, expected {case.min_problems}+"
            )
        elif case.reason and case.reason not in first:
            case.error = f"{case.name}: refused for another reason: {first[:200]}"
        return
    except Exception as error:  # any other exception is the finding
        case.seconds.append(time.perf_counter() - began)
        case.outcome = f"crashed: {type(error).__name__}: {error}"[:200]
        case.error = f"{case.name}: {case.outcome}"
        return
    case.seconds.append(time.perf_counter() - began)
    case.outcome = f"ACCEPTED: {summary.milestones_created} milestones"
    case.error = f"{case.name}: accepted, expected a refusal"
    # Remove what it wrote, so the organisation stays empty for the next run.
    with scopes_disabled():
        summary.roadmap.delete()


def progress(message: str) -> None:
    print(f"  … {message}", file=sys.stderr, flush=True)


def stage_seconds(data: bytes) -> tuple[float, float]:
    """Parse + schema (``load_document``) and the cross-checks alone, once, for the printout."""
    began = time.perf_counter()
    document = load_document(data)
    parsed = time.perf_counter() - began
    began = time.perf_counter()
    document_problems(document)
    return parsed, time.perf_counter() - began


def key_count(data: bytes) -> int:
    """Keys as the app counts them: every ``:`` outside strings."""
    return _JSON_STRING.sub("", data.decode("utf-8", "replace")).count(":")


def prepare_database() -> None:
    if DATABASE_URL:
        import harness  # bench/ is not a package: imported from its folder

        harness.recreate_database(DATABASE_URL)
    call_command("migrate", verbosity=0)


def drop_database() -> None:
    connections.close_all()
    if DATABASE_URL:
        import harness

        harness.recreate_database(DATABASE_URL, drop_only=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="timed imports per case (median)")
    parser.add_argument(
        "--max-repeat-s",
        type=float,
        default=30.0,
        help="do not repeat a case whose first import took longer (0: always repeat)",
    )
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be 1 or more")
    load_1m = os.getloadavg()[0]
    began = time.perf_counter()
    prepare_database()
    try:
        report = run(args.runs, args.max_repeat_s)
    finally:
        drop_database()
    report["total_s"] = round(time.perf_counter() - began, 1)
    report["load_average_1m"] = round(load_1m, 2)
    report["load_average_1m_end"] = round(os.getloadavg()[0], 2)
    print(f"  whole run {report['total_s']} s (building the documents included)")
    print(json.dumps(report))


def run(runs: int, max_repeat_s: float) -> dict:
    people = People(
        User.objects.create_user("facilitator@hostile.example", first_name="Fran"),
        User.objects.create_user("executive@hostile.example", first_name="Eve"),
    )
    t0 = time.perf_counter()
    small = export(build_roadmap(people, "small", milestones=10, description_chars=0))
    # Long notes: as many milestones with 1,900-character descriptions as fit.
    long_notes = grow_to_limit(
        build_roadmap(people, "long notes", milestones=MAX_MILESTONES, description_chars=1900)
    )
    # As many milestones as fit: no notes but the tail, a dependency every tenth.
    crowded = grow_to_limit(
        build_roadmap(
            people,
            "crowded",
            milestones=MAX_MILESTONES,
            description_chars=len(TAIL) + 12,
            dependency_every=10,
        )
    )
    # As many dependencies as a roadmap may have.
    dense = grow_to_limit(
        build_roadmap(
            people,
            "dense",
            milestones=MAX_MILESTONES,
            description_chars=len(TAIL) + 12,
            dense_dependencies=MAX_DEPENDENCIES,
        )
    )
    schema_bad, bad_milestones = with_schema_errors(crowded)
    build_s = time.perf_counter() - t0
    progress(f"documents built in {build_s:.1f} s")

    cases = [
        Case("accepted_long_notes", long_notes, "accepted", "export, 1,900-char notes"),
        Case("accepted_most_milestones", crowded, "accepted", "export, most milestones"),
        Case("accepted_most_dependencies", dense, "accepted", "export, most dependencies"),
        Case(
            "keys_184016",
            many_keys(184_016),
            "refused",
            "one object, 184,016 keys",
            reason="fields; at most",
        ),
        Case(
            "keys_just_under_limit",
            many_keys(JSON_MAX_KEYS - 1),
            "refused",
            f"one object, {JSON_MAX_KEYS - 1:,} keys",
            reason="fields this format does not know",
        ),
        Case(
            "nested_bare",
            nested(JSON_MAX_DEPTH - 1, in_export=False),
            "refused",
            f"[ {JSON_MAX_DEPTH - 1}-deep arrays, … ]",
            # Over a million values: the count, made before parsing, refuses it first.
            reason="values",
        ),
        Case(
            "nested_in_export",
            nested(JSON_MAX_DEPTH - 2, in_export=True),
            "refused",
            f'{{"format"…, "x": [{JSON_MAX_DEPTH - 2}-deep, …]}}',
        ),
        Case("open_brackets", pad("[" * LIMIT), "refused", "2 MB of [", reason="values"),
        Case(
            "schema_errors",
            schema_bad,
            "refused",
            f"export, {bad_milestones:,} bad milestones",
            min_problems=bad_milestones,
        ),
        Case(
            "nul_near_end",
            with_escape(crowded, b"\\u0000"),
            "refused",
            "export, \\u0000 near the end",
            reason="control characters",
        ),
        Case(
            "lone_surrogate_near_end",
            with_escape(crowded, b"\\ud800"),
            "refused",
            "export, \\ud800 near the end",
            reason="lone surrogate",
        ),
        Case(
            "duplicate_key_deep",
            with_duplicate_key(crowded),
            "refused",
            "export, duplicate key near the end",
            reason="appears twice",
        ),
        Case(
            "one_byte_over",
            crowded + b" " * (LIMIT + 1 - len(crowded)),
            "refused",
            "export padded to 1 byte over",
            reason="larger than 2 MB",
        ),
        Case(
            "last_stage_refusal",
            with_last_stage_error(crowded),
            "refused",
            "export, last stage refuses",
            reason="metric_label",
        ),
    ]
    for case in cases:
        if case.expect == "accepted":
            case.counts = expected_counts(case.data)

    # Untimed: the schema validator and the first queries.
    warm = people.organisation("warm-up")
    roadmap_import(organisation=warm, actor=people.facilitator, data=small)
    refused_org = people.organisation("refused")

    for case in cases:
        for _run in range(runs):
            if case.expect == "accepted":
                run_accepted(case, people)
            else:
                run_refused(case, refused_org, people.facilitator)
            progress(f"{case.name}: {case.seconds[-1]:.3f} s")
            if case.error or (max_repeat_s and case.seconds[0] > max_repeat_s):
                break

    database = "postgresql" if DATABASE_URL else "sqlite"
    print(
        f"JSON roadmap import, end to end through roadmap_import, {database}, "
        f"median of {runs} run(s); limits {LIMIT:,} bytes, {JSON_MAX_KEYS:,} keys, "
        f"depth {JSON_MAX_DEPTH}; documents built in {build_s:.1f} s"
    )
    print(f"  {'case':<28} {'document':<38} {'bytes':>10} {'keys':>9} {'median s':>9} runs  target")
    for case in cases:
        met = "met" if case.median <= TARGET_S else "MISSED"
        print(
            f"  {case.name:<28} {case.what:<38} {len(case.data):>10,} "
            f"{key_count(case.data):>9,} {case.median:>9.3f} {len(case.seconds):>4}  {met}"
        )
        print(f"      {case.outcome[:110]}")
    accepted = [c for c in cases if c.expect == "accepted"]
    refused = [c for c in cases if c.expect == "refused"]
    for case in accepted:
        if case.error:
            continue
        parsed, checked = stage_seconds(case.data)
        print(
            f"  {case.name}: load_document {parsed:.3f} s, cross-checks {checked:.3f} s "
            f"of {case.median:.3f} s in all (the rest: writing the rows)"
        )

    worst_accepted = max(accepted, key=lambda c: c.median)
    worst_refused = max(refused, key=lambda c: c.median)
    errors = [c.error for c in cases if c.error]
    for name, worst in (("accepted", worst_accepted), ("refused", worst_refused)):
        met = "met" if worst.median <= TARGET_S else "MISSED"
        print(
            f"  worst {name}: {worst.name}, {worst.median:.3f} s "
            f"({len(worst.data):,} bytes); target <= {TARGET_S:g} s {met}"
        )
    largest = max((len(c.data) for c in accepted if not c.error), default=0)
    print(f"  largest accepted document: {largest:,} bytes (the limit is {LIMIT:,})")
    print(f"  errors: {len(errors)}" + "".join(f"\n    {e}" for e in errors))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of this process: {peak_mb:.0f} MB")
    return {
        "json_import_worst_accepted_s": round(worst_accepted.median, 3),
        "json_import_worst_accepted_case": worst_accepted.name,
        "json_import_worst_refused_s": round(worst_refused.median, 3),
        "json_import_worst_refused_case": worst_refused.name,
        "json_import_target_s": TARGET_S,
        "json_import_targets_met": all(c.median <= TARGET_S for c in cases),
        "seconds": {c.name: round(c.median, 3) for c in cases},
        "bytes": {c.name: len(c.data) for c in cases},
        "largest_accepted_bytes": largest,
        "errors": errors,
        "runs": runs,
        "runs_per_case": {c.name: len(c.seconds) for c in cases},
        "database": database,
        "peak_rss_mb": round(peak_mb),
        "cpu_count": os.cpu_count(),
    }


if __name__ == "__main__":
    main()
