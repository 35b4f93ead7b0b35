"""Results, what-if weights, stability, CSV, marking purposes and comparing rounds.

The data is the worked example of docs/scoring.md: Alpha overall 65, Beta 63.75.
"""

import csv
import io
import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from communities.models import Need
from organisations.permissions import Role
from purposes.models import (
    CharacteristicScore,
    NeedScore,
    Purpose,
    PurposeStatus,
    RoundStatus,
)
from tests.support.factories import (
    CommunityFactory,
    NeedFactory,
    PurposeFactory,
    ScoringRoundFactory,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(name, scoring_round, **kwargs):
    return reverse(
        f"scoring:{name}",
        kwargs={"org_slug": "ours", "round_id": scoring_round.pk, **kwargs},
    )


def example_round(tenant, *, alpha=None, beta=None, name="Example", need_scores=None):
    org = tenant.org
    x, y = tenant.user(Role.EXECUTIVE), tenant.user(Role.FACILITATOR)
    community = CommunityFactory(organisation=org, name=f"Engineers of {name}")
    n1 = NeedFactory(community=community, organisation=org, statement="Right first time", weight=3)
    n2 = NeedFactory(community=community, organisation=org, statement="Cheap parts", weight=1)
    alpha = alpha or PurposeFactory(organisation=org, title="Alpha")
    beta = beta or PurposeFactory(organisation=org, title="Beta")
    with scopes_disabled():
        scoring_round = ScoringRoundFactory(
            organisation=org,
            name=name,
            status=RoundStatus.REVEALED,
            purposes=[alpha, beta],
            needs=[n1, n2],
            executives=[x, y],
        )
        rows = need_scores or [
            (alpha, n1, x, 4), (alpha, n1, y, 2), (alpha, n2, x, 5), (alpha, n2, y, 5),
            (beta, n1, x, 5), (beta, n1, y, 5), (beta, n2, x, 0), (beta, n2, y, 1),
        ]  # fmt: skip
        NeedScore.objects.bulk_create(
            NeedScore(organisation=org, round=scoring_round, purpose=p, need=n, scorer=u, score=s)
            for p, n, u, s in rows
        )
        chars = {"magnetism": 4, "draw": 3, "org_value": 5, "risk": 2, "evolution": 1}
        CharacteristicScore.objects.bulk_create(
            [
                CharacteristicScore(
                    organisation=org,
                    round=scoring_round,
                    purpose=alpha,
                    characteristic=k,
                    scorer=x,
                    score=v,
                )
                for k, v in chars.items()
            ]
            + [
                CharacteristicScore(
                    organisation=org,
                    round=scoring_round,
                    purpose=beta,
                    characteristic=k,
                    scorer=x,
                    score=3,
                )
                for k in chars
            ]
        )
    return scoring_round, alpha, beta, n1, n2


@pytest.fixture
def example(world):
    return example_round(world.ours)


def _ranking(response):
    return [row["purpose"].title for row in response.context["ranking"]]


def test_results_rank_by_overall_with_the_numbers(world, example):
    scoring_round, *_ = example
    response = world.client(world.ours.user(Role.VIEWER)).get(_url("results", scoring_round))
    assert response.status_code == 200
    assert _ranking(response) == ["Alpha", "Beta"]
    results = [row["result"] for row in response.context["ranking"]]
    assert [round(r.overall, 2) for r in results] == [65, 63.75]
    assert [round(r.fit, 1) for r in results] == [70, 77.5]
    html = response.content.decode()
    assert '<span class="big-number">65</span>' in html
    assert '<span class="big-number">64</span>' in html


def test_heatmap_shows_means_colours_and_flags_disagreement(world):
    tenant = world.ours
    x, y = tenant.user(Role.EXECUTIVE), tenant.user(Role.FACILITATOR)
    scoring_round, alpha, beta, n1, n2 = example_round(tenant)
    with scopes_disabled():
        NeedScore.objects.filter(round=scoring_round).delete()
        rows = [
            (alpha, n1, x, 5), (alpha, n1, y, 1),  # 4 points apart: flagged
            (alpha, n2, x, 5), (alpha, n2, y, 5),
            (beta, n1, x, 5), (beta, n1, y, 5),
            (beta, n2, x, 0), (beta, n2, y, 2),  # 2 points apart: ordinary, not flagged
        ]  # fmt: skip
        NeedScore.objects.bulk_create(
            NeedScore(
                organisation=tenant.org, round=scoring_round, purpose=p, need=n, scorer=u, score=v
            )
            for p, n, u, v in rows
        )
    response = world.client(x).get(_url("results", scoring_round))
    html = response.content.decode()
    columns = [purpose.title for purpose in response.context["columns"]]
    lines = {
        line["need"].statement: dict(zip(columns, line["cells"], strict=True))
        for line in response.context["need_lines"]
    }
    alpha_n1, beta_n1 = lines["Right first time"]["Alpha"], lines["Right first time"]["Beta"]
    assert (alpha_n1["mean"], alpha_n1["heat"], alpha_n1["spread"], alpha_n1["flag"]) == (
        3,
        3,
        4,
        True,
    )
    assert (beta_n1["mean"], beta_n1["flag"]) == (5, False)
    cheap = lines["Cheap parts"]
    assert (cheap["Alpha"]["spread"], cheap["Beta"]["spread"]) == (0, 2)
    assert not cheap["Alpha"]["flag"] and not cheap["Beta"]["flag"]
    assert 'class="heat heat-3 disagree"' in html
    assert "disagreement: scores 4 points apart" in html
    assert "scores 3 or more points apart" in html
    # The disagreement list names who scored what, now that the round is revealed.
    [item] = response.context["disagreements"]
    assert item["purpose"].title == "Alpha"
    assert item["criterion"] == "Right first time"
    names = {name for name, _score in item["scores"]}
    assert names == {x.display_name, y.display_name}


def test_stability_sentence(world, example):
    scoring_round, *_ = example
    response = world.client(world.ours.user(Role.FACILITATOR)).get(_url("results", scoring_round))
    html = response.content.decode()
    assert "Fragile:" in html
    assert "2 of 3 single-weight changes keep “Alpha” first." in html


def test_what_if_reranks_without_saving(world, example):
    scoring_round, _alpha, _beta, n1, n2 = example
    client = world.client(world.ours.user(Role.FACILITATOR))
    url = _url("results", scoring_round) + f"?what_if=1&w{n1.pk}=4&w{n2.pk}=1"
    response = client.get(url, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="ranking"')
    assert "what-if weights, not saved" in html
    assert html.index("Beta") < html.index("Alpha")
    assert "“Beta” first" in html
    with scopes_disabled():
        assert dict(Need.objects.values_list("pk", "weight")) == {n1.pk: 3, n2.pk: 1}


def test_what_if_without_htmx_renders_the_whole_page(world, example):
    scoring_round, _alpha, _beta, n1, _n2 = example
    client = world.client(world.ours.user(Role.FACILITATOR))
    response = client.get(_url("results", scoring_round) + f"?what_if=1&w{n1.pk}=4")
    assert _ranking(response) == ["Beta", "Alpha"]
    assert b"Heatmap" in response.content


@pytest.mark.parametrize("bad", ["abc", "9", "0", "", "2.5"])
def test_unusable_what_if_weights_keep_the_saved_weight(world, example, bad):
    scoring_round, _alpha, _beta, n1, _n2 = example
    client = world.client(world.ours.user(Role.FACILITATOR))
    response = client.get(_url("results", scoring_round) + f"?what_if=1&w{n1.pk}={bad}", **HTMX)
    assert response.status_code == 200
    assert b"not saved" not in response.content


def test_what_if_is_the_facilitators_only(world, example):
    scoring_round, _alpha, _beta, n1, _n2 = example
    client = world.client(world.ours.user(Role.EXECUTIVE))
    response = client.get(_url("results", scoring_round) + f"?w{n1.pk}=4")
    assert _ranking(response) == ["Alpha", "Beta"]
    assert b"What if the needs weighed differently" not in response.content


def test_csv_has_one_row_per_executive_purpose_and_criterion(world, example):
    scoring_round, *_ = example
    response = world.client(world.ours.user(Role.VIEWER)).get(_url("export", scoring_round))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="example-scores.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, body = rows[0], rows[1:]
    assert header[-1] == "score"
    assert len(body) == 2 * 2 * (2 + 5)  # executives × purposes × (needs + characteristics)
    executive = world.ours.user(Role.EXECUTIVE)
    by_key = {(r[2], r[3], r[5]): r for r in body}
    assert by_key[executive.email, "Alpha", "Right first time"][-1] == "4"
    assert by_key[executive.email, "Alpha", "Right first time"][7] == "3"  # weight
    assert by_key[executive.email, "Alpha", "Community risk"][-1] == "2"
    # The facilitator scored no characteristic: the row is there, blank.
    facilitator = world.ours.user(Role.FACILITATOR)
    assert by_key[facilitator.email, "Beta", "Promotes evolution"][-1] == ""


def test_csv_never_starts_a_cell_with_a_formula(world):
    evil = PurposeFactory(organisation=world.ours.org, title='=HYPERLINK("http://x")')
    scoring_round, *_ = example_round(world.ours, alpha=evil)
    response = world.client(world.ours.user(Role.VIEWER)).get(_url("export", scoring_round))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert '\'=HYPERLINK("http://x")' in {row[3] for row in rows}
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_facilitator_marks_a_purpose_chosen_from_the_results(world, example):
    scoring_round, alpha, *_ = example
    client = world.client(world.ours.user(Role.FACILITATOR))
    response = client.post(
        _url("purpose_status", scoring_round, purpose_id=alpha.pk), {"status": "chosen"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Purpose.objects.get(pk=alpha.pk).status == PurposeStatus.CHOSEN
    response = client.post(
        _url("purpose_status", scoring_round, purpose_id=alpha.pk), {"status": "retired"}
    )
    with scopes_disabled():
        assert Purpose.objects.get(pk=alpha.pk).status == PurposeStatus.CHOSEN


def test_executive_cannot_mark_purposes(world, example):
    scoring_round, alpha, *_ = example
    response = world.client(world.ours.user(Role.EXECUTIVE)).post(
        _url("purpose_status", scoring_round, purpose_id=alpha.pk), {"status": "chosen"}
    )
    assert response.status_code == 403
    with scopes_disabled():
        assert Purpose.objects.get(pk=alpha.pk).status == PurposeStatus.DRAFT


def test_compare_two_rounds(world, example):
    first, alpha, beta, _n1, _n2 = example
    # The second round: Alpha now meets N1 fully (fit 100 → overall 80), Beta unchanged.
    second, *_ = example_round(world.ours, alpha=alpha, beta=beta, name="Second")
    with scopes_disabled():
        NeedScore.objects.filter(round=second, purpose=alpha).update(score=5)
    url = reverse("scoring:compare", kwargs={"org_slug": "ours"})
    response = world.client(world.ours.user(Role.VIEWER)).get(
        url, {"first": first.pk, "second": second.pk}
    )
    assert response.status_code == 200
    rows = {row["purpose"].title: row["measures"] for row in response.context["rows"]}
    alpha_overall = rows["Alpha"][2]
    assert (alpha_overall["before"], alpha_overall["after"]) == (65, 80)
    assert alpha_overall["delta"] == pytest.approx(15)
    assert rows["Beta"][2]["delta"] == pytest.approx(0)
    assert "+15" in response.content.decode()


def test_compare_refuses_open_or_foreign_rounds(world, example):
    first, *_ = example
    with scopes_disabled():
        open_round = ScoringRoundFactory(organisation=world.ours.org, status=RoundStatus.OPEN)
        foreign = ScoringRoundFactory(organisation=world.foreign.org, status=RoundStatus.REVEALED)
    url = reverse("scoring:compare", kwargs={"org_slug": "ours"})
    client = world.client(world.ours.user(Role.VIEWER))
    for other in (open_round, foreign):
        response = client.get(url, {"first": first.pk, "second": other.pk})
        assert response.status_code == 422
        assert "rows" not in response.context


def test_compare_needs_two_different_rounds(world, example):
    first, *_ = example
    url = reverse("scoring:compare", kwargs={"org_slug": "ours"})
    response = world.client(world.ours.user(Role.VIEWER)).get(
        url, {"first": first.pk, "second": first.pk}
    )
    assert response.status_code == 422
    assert "Choose two different rounds." in response.content.decode()


def test_the_demoting_control_says_so_and_never_takes_the_place_of_choose(world, example):
    """After "Choose", its slot reads "✓ Chosen"; demoting is "Back to shortlist", beside it."""
    scoring_round, alpha, *_ = example
    client = world.client(world.ours.user(Role.FACILITATOR))
    results = _url("results", scoring_round)

    def slots() -> str:
        html = client.get(results).text
        block = html[html.index(f'id="status-actions-{alpha.pk}"') :]
        block = block[: block.index("</div>")].replace(alpha.title, "")
        return " ".join(re.sub(r"<[^>]+>|^[^>]*>", " ", block).split())

    assert slots() == "Choose Shortlist"
    client.post(_url("purpose_status", scoring_round, purpose_id=alpha.pk), {"status": "chosen"})
    assert slots() == "✓ Chosen Back to shortlist Back to draft"
    client.post(
        _url("purpose_status", scoring_round, purpose_id=alpha.pk), {"status": "shortlisted"}
    )
    assert slots() == "Choose ✓ Shortlisted Back to draft"
