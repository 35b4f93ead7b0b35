"""CSV export and import through the pages: whole file or nothing."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from common.limits import MAX_NEEDS
from communities import services
from communities.csv_io import COLUMNS
from communities.models import Community
from organisations.permissions import Role
from tests.support.communities import snapshot, url
from tests.support.factories import CommunityFactory, NeedFactory

HEADER = ",".join(COLUMNS)


def _upload(client, org, content: bytes, name: str = "communities.csv"):
    return client.post(
        url("import", org), {"file": SimpleUploadedFile(name, content, content_type="text/csv")}
    )


def _csv(*rows: str) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


@pytest.fixture
def ours_with_data(world):
    org = world.ours.org
    engineers = CommunityFactory(
        organisation=org,
        name="Design engineers",
        kind="customers",
        description='Choose parts, "early"\nand often',
        estimated_size=75000,
    )
    NeedFactory(community=engineers, statement="Right first time", weight=5, evidence="=1+1")
    NeedFactory(community=engineers, statement="Free tools", weight=4, evidence="")
    CommunityFactory(organisation=org, name="Café owners", kind="other", estimated_size=None)
    buyers = CommunityFactory(organisation=org, name="Buyers", kind="prospects")
    NeedFactory(community=buyers, statement="Long life parts", weight=3, evidence="Interviews")
    return org


def test_export_has_one_row_per_need_and_one_for_a_community_without_needs(
    world, viewer, ours_with_data
):
    response = viewer.get(url("export", world.ours.org))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff" + HEADER + "\r\n")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert [(row[0], row[4]) for row in rows[1:]] == [
        ("Design engineers", "Right first time"),
        ("Design engineers", "Free tools"),
        ("Café owners", ""),
        ("Buyers", "Long life parts"),
    ]
    assert rows[3] == ["Café owners", "other", "", "", "", "", ""]
    assert "'=1+1" in text


def test_export_holds_only_our_organisation(world, viewer, ours_with_data):
    CommunityFactory(organisation=world.foreign.org, name="Foreign secret")
    assert "Foreign secret" not in viewer.get(url("export", world.ours.org)).text


def test_round_trip_into_another_organisation_gives_the_same_data(world, ours_with_data):
    exported = world.client(world.ours.user("viewer")).get(url("export", world.ours.org)).content
    foreign_admin = world.client(world.foreign.user("admin"))
    response = _upload(foreign_admin, world.foreign.org, exported)
    assert response.status_code == 302
    assert snapshot(world.foreign.org) == snapshot(world.ours.org)


def test_reimporting_the_export_changes_nothing(world, facilitator, ours_with_data):
    before = snapshot(world.ours.org)
    exported = facilitator.get(url("export", world.ours.org)).content
    response = _upload(facilitator, world.ours.org, exported)
    assert response.status_code == 302
    follow = facilitator.get(response["Location"])
    assert "0 communities added, 0 updated; 0 needs added, 0 updated" in follow.text
    assert snapshot(world.ours.org) == before


def test_import_merges_by_name_adds_and_updates_needs_and_never_deletes(
    world, facilitator, ours_with_data
):
    response = _upload(
        facilitator,
        world.ours.org,
        _csv(
            "DESIGN ENGINEERS,,,80000,right first time,4,",
            "Design engineers,,,,Reference designs,3,Forum",
            "Suppliers,suppliers,Chip makers,350,,,",
        ),
    )
    assert response.status_code == 302
    with scopes_disabled():
        engineers = Community.objects.get(organisation=world.ours.org, name="Design engineers")
        assert (engineers.kind, engineers.estimated_size) == ("customers", 80000)
        assert engineers.description == 'Choose parts, "early"\nand often'
        needs = list(
            engineers.needs.order_by("position").values_list("statement", "weight", "evidence")
        )
    assert needs == [
        ("Right first time", 4, "=1+1"),
        ("Free tools", 4, ""),
        ("Reference designs", 3, "Forum"),
    ]
    names = [row[0] for row in snapshot(world.ours.org)[:4]]
    assert names == ["Design engineers", "Café owners", "Buyers", "Suppliers"]
    assert ("Buyers", "Long life parts", 3, "Interviews") in snapshot(world.ours.org)


BAD_FILES = {
    "weight out of range": (
        _csv("A,customers,,,One,3,", "A,customers,,,Two,2,", "A,customers,,,Three,7,"),
        ["Row 4: weight must be a whole number from 1 to 5, not “7”."],
    ),
    "weight not a number": (
        _csv("A,customers,,,One,high,"),
        ["Row 2: weight must be a whole number from 1 to 5, not “high”."],
    ),
    "unknown kind": (
        _csv("A,fans,,,,,"),
        [
            "Row 2: kind must be one of customers, prospects, suppliers, distributors, "
            "employees, partners, other, not “fans”."
        ],
    ),
    "missing column": (
        b"community,kind,need,weight\nA,customers,One,3\n",
        [
            "Row 1: missing column(s): description, estimated_size, evidence. The columns are: "
            + ", ".join(COLUMNS)
            + "."
        ],
    ),
    "wrong column": (
        (HEADER + ",colour\nA,customers,,,,,,red\n").encode(),
        ["Row 1: unknown column “colour”. The columns are: " + ", ".join(COLUMNS) + "."],
    ),
    "duplicate rows": (
        _csv("A,customers,,,One,3,", "A,customers,,,one,3,"),
        ["Row 3: repeats the need “one” of “A” from row 2."],
    ),
    "not utf-8": (
        _csv("A,customers,,,One,3,") + "Über,customers,,,,,\r\n".encode("cp1252"),
        [
            "Row 3: the file is not UTF-8 text. Save it as “CSV UTF-8” (in Excel: File › "
            "Save as › CSV UTF-8) and upload it again."
        ],
    ),
    "header only": (_csv(), ["The file has a header but no rows to import."]),
    "blank": (b"\r\n\r\n", ["The file is empty."]),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_rejected_whole_with_an_error_per_row(world, facilitator, ours_with_data, case):
    content, expected = BAD_FILES[case]
    # A good first row that would change data if anything were half-imported.
    before = snapshot(world.ours.org)
    response = _upload(facilitator, world.ours.org, content)
    assert response.status_code == 422
    assert "Nothing was imported." in response.text
    for message in expected:
        assert message in response.text
    assert snapshot(world.ours.org) == before


def test_good_rows_before_a_bad_one_are_not_imported(world, facilitator):
    response = _upload(
        facilitator,
        world.ours.org,
        _csv(
            "New one,customers,,,Fine,3,",
            "Other,customers,,,Fine too,2,",
            "Third,customers,,,Bad,0,",
        ),
    )
    assert response.status_code == 422
    assert snapshot(world.ours.org) == []


def test_zero_byte_file_is_a_form_error(world, facilitator):
    response = _upload(facilitator, world.ours.org, b"")
    assert response.status_code == 422
    assert "The submitted file is empty." in response.text


def test_file_over_two_megabytes_is_rejected(world, facilitator):
    big = _csv(*(f"C{i},customers,{'x' * 1900},,,," for i in range(1120)))
    assert 2 * 1024 * 1024 < len(big) < 2.5 * 1024 * 1024
    response = _upload(facilitator, world.ours.org, big)
    assert response.status_code == 422
    assert "The file is larger than 2 MB." in response.text
    assert snapshot(world.ours.org) == []


def test_many_bad_rows_are_listed_up_to_a_limit(world, facilitator):
    response = _upload(facilitator, world.ours.org, _csv(*(f"C{i},nope,,,,," for i in range(60))))
    assert response.status_code == 422
    assert "Row 51:" in response.text
    assert "Row 52:" not in response.text
    assert "…and 10 more problems." in response.text


def test_missing_file_is_a_form_error(world, facilitator):
    response = facilitator.post(url("import", world.ours.org), {})
    assert response.status_code == 422
    assert "This field is required." in response.text


def test_import_page_explains_what_happens_to_existing_communities(world, facilitator):
    response = facilitator.get(url("import", world.ours.org))
    assert response.status_code == 200
    assert "Communities are matched by name" in response.text
    assert "Nothing is ever deleted" in response.text


def test_executive_cannot_import(world, executive):
    response = _upload(executive, world.ours.org, _csv("A,customers,,,,,"))
    assert response.status_code == 403
    assert snapshot(world.ours.org) == []


def test_service_rejects_a_bad_file_with_row_errors(world):
    with pytest.raises(services.CsvImportError) as caught:
        services.communities_import_csv(
            organisation=world.ours.org, file=io.BytesIO(_csv("A,customers,,,One,9,"))
        )
    assert [e.row for e in caught.value.errors] == [2]
    assert snapshot(world.ours.org) == []


def test_needs_beyond_the_organisations_limit_are_refused_whole(world, facilitator):
    rows = [f"C{i // 10},customers,,,Need {i},3," for i in range(MAX_NEEDS + 1)]
    response = _upload(facilitator, world.ours.org, _csv(*rows))
    assert response.status_code == 422
    assert f"at most {MAX_NEEDS} needs; this would make {MAX_NEEDS + 1}" in response.text
    assert snapshot(world.ours.org) == []


def test_an_export_at_the_limits_imports_again_into_an_empty_organisation(world, facilitator):
    rows = [
        f"C{i // 7},customers,{'d' * 2000},,Need {i} {'s' * 280},5,{'e' * 2000}"
        for i in range(MAX_NEEDS)
    ]
    assert _upload(facilitator, world.ours.org, _csv(*rows)).status_code == 302
    exported = facilitator.get(url("export", world.ours.org)).content
    foreign_admin = world.client(world.foreign.user(Role.ADMIN))
    assert _upload(foreign_admin, world.foreign.org, exported).status_code == 302
    assert foreign_admin.get(url("export", world.foreign.org)).content == exported
