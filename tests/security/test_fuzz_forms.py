"""Hypothesis drives every form of the project with generated input: never a 500.

For each URL of the tenancy table that accepts POST (tests/test_tenancy.py
collects every app's cases, so new URLs are covered as they land), the form
is read from its page as an admin (or from the case's data). About half the
posts give each field generated values: unicode and control characters, huge
strings, numbers out of range, wrong types, several values, missing fields,
another organisation's primary keys. The others post the form as its page
shows it, with one or two text fields holding text a form may well store
(formula prefixes, quotes, line ends, right-to-left marks, emoji, markup),
so that something is stored. Every response is below 500, and every refusal
(4xx) has a body that says why and stores nothing.

Whatever a post stored, the app can show, export and import again: the rows
each app's forms write are read after every post (a query a model); a
changed row's page answers 200 and shows its text HTML-escaped, the
communities CSV export imported into an empty organisation exports the same
file, and a changed roadmap's JSON export imports into an empty organisation.
"""

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from communities.models import Community, Need
from organisations.models import Invitation, Membership, Organisation
from organisations.permissions import Role
from purposes.models import CharacteristicLevel, Purpose, PurposeComment, ScoringRound
from roadmap.models import Milestone, Phase, Roadmap
from tests.support.factories import MembershipFactory, OrganisationFactory
from tests.support.forms import Field, form_for, post_cases, url_for
from tests.support.tenancy_table import TABLE
from tests.support.world import Tenant

MISSING = object()
# 25 a form for daily runs; .ci/run asks for 200 (on PostgreSQL and on SQLite).
EXAMPLES_PER_URL = int(os.environ.get("ROADMAP_FUZZ_EXAMPLES", "25"))
# A file to which each form's count of posts is added (CI sets it).
REPORT = os.environ.get("ROADMAP_FUZZ_REPORT", "")

unicode_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=300
)
control_text = st.text(alphabet=st.characters(max_codepoint=0x1F), min_size=1, max_size=40)
huge_text = st.sampled_from(["x" * 100_000, "é" * 50_000, "<" * 20_000, "9" * 5_000])
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["-1", "0", "1e309", "NaN", "inf", "3.5", " 2 ", "0x10", "1_000"]),
)
dates = st.sampled_from(["2026-02-30", "9999-12-31", "0001-01-01", "26/03/2026", "yesterday"])
# Text a form may well store, made of what broke exports before: formula
# prefixes, quotes, separators, line ends, right-to-left marks, emoji, markup.
storable_text = st.lists(
    st.one_of(
        st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=8),
        st.sampled_from(
            [*"'=+-@\",; \t\n\u200f\u202e", "\r\n", "🙂", "<b>", "&amp;", "=SUM(1,2)", "\\N"]
        ),
    ),
    max_size=10,
).map("".join)
# For a post that is valid but for its text: mostly text the form may store.
hostile_text = st.one_of(storable_text, unicode_text.map(lambda text: text[:60]))


def _value(field: Field, foreign_pks: list[str]):
    known = [field.value, *field.options] if field.value or field.options else []
    choices = [
        unicode_text,
        control_text,
        huge_text,
        numbers,
        dates,
        st.just(MISSING),
        st.just(""),
        st.lists(unicode_text, min_size=2, max_size=3),  # several values for one field
    ]
    if known:
        choices.append(st.sampled_from([v for v in known if v is not None] or [""]))
    if foreign_pks:
        choices.append(st.sampled_from(foreign_pks))
    if field.kind == "file":
        choices.append(
            st.binary(max_size=2048).map(
                lambda b: SimpleUploadedFile("upload.png", b, content_type="image/png")
            )
        )
    return st.one_of(*choices)


def _foreign_pks(case, world) -> list[str]:
    """Primary keys of the other organisation's objects of this URL, and of its members."""
    pks = {str(m.pk) for m in world.foreign.members.values()}
    pks |= {str(m.user.pk) for m in world.foreign.members.values()}
    if case.kwargs:
        pks |= {str(v) for v in case.kwargs(world.foreign).values()}
    return sorted(pks)


CASES = post_cases(TABLE)


# ---------------------------------------------------------------- what was stored


@dataclass(frozen=True)
class Stored:
    """Rows of one model that a URL namespace's forms write, and the page that shows them."""

    rows: Callable[[Organisation], QuerySet]
    texts: tuple[str, ...]  # shown on the page, HTML-escaped
    page: Callable[[str, dict], str]  # (organisation slug, row) -> its page
    others: tuple[str, ...] = ()  # written too, not looked for on the page

    def now(self, org: Organisation) -> dict[int, dict]:
        return {row["pk"]: row for row in self.rows(org).values("pk", *self.texts, *self.others)}


def _in(model) -> Callable[[Organisation], QuerySet]:
    return lambda org: model.objects.filter(organisation=org)


def _page(name: str, **row_kwargs: str) -> Callable[[str, dict], str]:
    def url(slug: str, row: dict) -> str:
        kwargs = {arg: row[column] for arg, column in row_kwargs.items()}
        return reverse(name, kwargs={"org_slug": slug, **kwargs})

    return url


PURPOSE_TEXTS = (
    "title",
    "statement",
    "participants",
    "issue",
    "value_to_participants",
    "value_to_organisation",
)
STORED = {
    "communities": [
        # First, for the round trip.
        Stored(
            _in(Community),
            ("name", "description"),
            _page("communities:list"),
            ("kind", "estimated_size", "position"),
        ),
        Stored(
            _in(Need),
            ("statement", "evidence"),
            _page("communities:list"),
            ("community_id", "weight", "position"),
        ),
    ],
    "purposes": [
        Stored(
            _in(Purpose),
            PURPOSE_TEXTS,
            _page("purposes:detail", purpose_id="pk"),
            ("status", "version"),
        ),
        Stored(
            _in(PurposeComment),
            ("body",),
            _page("purposes:detail", purpose_id="purpose_id"),
            ("purpose_id",),
        ),
    ],
    "scoring": [
        Stored(
            _in(ScoringRound),
            ("name",),
            _page("scoring:detail", round_id="pk"),
            ("status", "fit_weight_percent"),
        ),
        Stored(
            _in(CharacteristicLevel),
            ("description",),
            _page("scoring:levels"),
            ("characteristic", "level"),
        ),
    ],
    "roadmaps": [
        # First, for the round trip: the version moves on with every write to
        # the roadmap and its rows.
        Stored(
            _in(Roadmap),
            ("title", "description"),
            _page("roadmaps:detail", roadmap_id="pk"),
            ("start", "end", "status", "currency", "version"),
        ),
        Stored(
            _in(Milestone),
            ("title",),
            _page("roadmaps:detail", roadmap_id="roadmap_id"),
            ("roadmap_id", "description", "start", "end"),
        ),
        Stored(
            _in(Phase),
            ("name",),
            _page("roadmaps:detail", roadmap_id="roadmap_id"),
            ("roadmap_id", "start", "end"),
        ),
    ],
    "organisations": [
        Stored(
            lambda org: Organisation.objects.filter(pk=org.pk),
            ("name",),
            _page("organisations:settings"),
            ("brand_colour", "paper_size", "logo"),
        ),
        Stored(_in(Invitation), ("email",), _page("organisations:members"), ("role",)),
        Stored(_in(Membership), (), _page("organisations:members"), ("role",)),
    ],
}


def _snapshot(stored: list[Stored], org: Organisation) -> list[dict[int, dict]]:
    with scopes_disabled():
        return [kind.now(org) for kind in stored]


def _changed(before: dict[int, dict], after: dict[int, dict]) -> list[dict]:
    return [row for pk, row in after.items() if before.get(pk) != row]


def _lines(text: str) -> list[str]:
    # Multi-line text is shown with linebreaksbr: its lines, each escaped.
    return [line for line in re.split(r"\r\n|\r|\n", text) if line.strip()]


def _assert_shown(client: Client, slug: str, stored: list[Stored], before, after) -> None:
    pages: dict[str, str] = {}
    for kind, old, new in zip(stored, before, after, strict=True):
        for row in _changed(old, new):
            url = kind.page(slug, row)
            if url not in pages:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                pages[url] = response.content.decode()
            for column in kind.texts:
                for line in _lines(row[column] or ""):
                    assert escape(line) in pages[url], (url, column, line)


@contextmanager
def _empty_organisation(tenant: Tenant) -> Iterator[Organisation]:
    """A new organisation where our admin is admin too (the client posts there as
    well), deleted afterwards so that the admin's list of organisations stays short."""
    org = OrganisationFactory()
    MembershipFactory(organisation=org, user=tenant.user(Role.ADMIN), role=Role.ADMIN)
    yield org
    with scopes_disabled():
        org.delete()


def _refusal(response) -> str:
    """The import's list of problems, as text."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    return text[text.find("Nothing was imported") :][:1500]


def _communities_round_trip(client: Client, tenant: Tenant, before, after) -> None:
    """Export, import into an empty organisation, export again: the same file."""
    communities = after[0]
    export = "communities:export"
    exported = client.get(reverse(export, kwargs={"org_slug": tenant.org.slug}))
    assert exported.status_code == 200
    if not communities:
        return  # nothing to carry over
    with _empty_organisation(tenant) as empty:
        upload = SimpleUploadedFile("communities.csv", exported.content, content_type="text/csv")
        response = client.post(
            reverse("communities:import", kwargs={"org_slug": empty.slug}), {"file": upload}
        )
        assert response.status_code == 302, _refusal(response)
        again = client.get(reverse(export, kwargs={"org_slug": empty.slug}))
    assert again.content.decode() == exported.content.decode()


def _roadmaps_round_trip(client: Client, tenant: Tenant, before, after) -> None:
    """Each roadmap that changed: its JSON export imports into an empty organisation."""
    roadmaps_before, roadmaps_after = before[0], after[0]
    for row in _changed(roadmaps_before, roadmaps_after):
        kwargs = {"org_slug": tenant.org.slug, "roadmap_id": row["pk"]}
        exported = client.get(reverse("roadmap_exchange:export_json", kwargs=kwargs))
        assert exported.status_code == 200
        upload = SimpleUploadedFile(
            "roadmap.json", exported.content, content_type="application/json"
        )
        with _empty_organisation(tenant) as empty:
            response = client.post(
                reverse("roadmap_exchange:import", kwargs={"org_slug": empty.slug}),
                {"file": upload},
            )
        assert response.status_code == 302, _refusal(response)


ROUND_TRIPS = {"communities": _communities_round_trip, "roadmaps": _roadmaps_round_trip}


def _assert_stored_comes_back(name: str, client: Client, tenant: Tenant, before, after) -> None:
    namespace = name.split(":")[0]
    _assert_shown(client, tenant.org.slug, STORED[namespace], before, after)
    if namespace in ROUND_TRIPS:
        ROUND_TRIPS[namespace](client, tenant, before, after)


# ---------------------------------------------------------------- the test


@pytest.mark.parametrize("name", sorted(CASES))
def test_generated_input_never_causes_a_500(world, name):
    case = CASES[name]
    client = world.client(world.ours.user(Role.ADMIN))
    url = url_for(name, case, world.ours)
    form = form_for(client, url, case, world.ours)
    fields = form.fields or [Field("anything", "text")]
    case_data = case.data(world.ours) if case.data else {}

    def valid_post() -> dict:
        """The form as its page shows it now (an edit carries the current version),
        with the case's data where the page leaves a field empty."""
        shown = form_for(client, url, case, world.ours).valid_data()
        return {**case_data, **{k: v for k, v in shown.items() if v not in ("", [])}}

    # A post that would be stored, but for the hostile text in one or two fields.
    valid = valid_post()
    text_fields = [field for field in form.text_fields() if field in valid]
    foreign = _foreign_pks(case, world)
    stored = STORED.get(name.split(":")[0], [])
    # What the organisation holds now: each post's "after" is the next one's "before".
    held = {"rows": _snapshot(stored, world.ours.org)}
    seen: dict[int, int] = {}

    @settings(
        max_examples=EXAMPLES_PER_URL,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data(), htmx=st.booleans(), nearly_valid=st.booleans())
    def post_generated(data, htmx, nearly_valid):
        payload = {}
        if nearly_valid and text_fields:
            payload = dict(valid)
            hostile = st.lists(st.sampled_from(text_fields), min_size=1, max_size=2, unique=True)
            for field_name in data.draw(hostile, label="hostile fields"):
                payload[field_name] = data.draw(hostile_text, label=field_name)
        else:
            for field in fields:
                value = data.draw(_value(field, foreign), label=field.name)
                if value is not MISSING:
                    payload[field.name] = value
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        response = client.post(url, payload, **headers)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        assert response.status_code < 500, (name, payload)
        before, after = held["rows"], _snapshot(stored, world.ours.org)
        held["rows"] = after
        if 400 <= response.status_code < 500:
            assert response.content.strip(), (name, response.status_code, "empty refusal")
            assert after == before, (name, response.status_code, "a refusal stored something")
        elif after != before:
            _assert_stored_comes_back(name, client, world.ours, before, after)
            valid.clear()
            valid.update(valid_post())  # an edit's version has moved on

    post_generated()
    assert sum(seen.values()) >= EXAMPLES_PER_URL
    if REPORT:  # CI prints these: posts per form, by status (.ci/run)
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(seen.items()))
        with open(REPORT, "a", encoding="utf-8") as report:
            report.write(f"{name}: {sum(seen.values())} posts ({statuses})\n")
