"""A revealed round's scores as CSV: every executive × purpose × criterion, one row each."""

import csv
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.spreadsheet import spreadsheet_safe
from organisations.permissions import Perm
from organisations.tenancy import org_view
from purposes.models import Characteristic, ScoringRound
from purposes.scoring.results import RoundData, is_revealed, round_data
from purposes.scoring.views import not_revealed


def header() -> list[str]:
    return [
        _("round"),
        _("executive"),
        _("email"),
        _("purpose"),
        _("criterion kind"),
        _("criterion"),
        _("community"),
        _("need weight"),
        _("score"),
    ]


def score_rows(data: RoundData) -> Iterator[list]:
    """One row per executive × purpose × need or characteristic; blank where not scored.

    Every text a person typed is made spreadsheet-safe, so a cell cannot run
    as a formula when the file is opened.
    """
    name = spreadsheet_safe(data.scoring_round.name)
    need_scores = {(p, n, s): v for p, n, s, v in data.need_rows}
    char_scores = {(p, c, s): v for p, c, s, v in data.char_rows}
    names = data.scorer_names()
    anonymous = data.scoring_round.anonymous
    # Anonymous: "Scorer 2" and no email, in the numbered order, not by name.
    executives = (
        sorted(data.executives, key=lambda u: names[u.pk]) if anonymous else data.executives
    )
    for user in executives:
        email = "" if anonymous else spreadsheet_safe(user.email)
        for purpose in data.purposes:
            for need in data.needs:
                yield [
                    name,
                    spreadsheet_safe(names[user.pk]),
                    email,
                    spreadsheet_safe(purpose.title),
                    _("need"),
                    spreadsheet_safe(need.statement),
                    spreadsheet_safe(need.community.name),
                    need.weight,
                    spreadsheet_safe(need_scores.get((purpose.pk, need.pk, user.pk))),
                ]
            for characteristic in Characteristic:
                yield [
                    name,
                    spreadsheet_safe(names[user.pk]),
                    email,
                    spreadsheet_safe(purpose.title),
                    _("characteristic"),
                    spreadsheet_safe(characteristic.label),
                    "",
                    "",
                    spreadsheet_safe(char_scores.get((purpose.pk, characteristic.value, user.pk))),
                ]


@require_GET
@org_view(Perm.VIEW)
def export_csv(request: HttpRequest, round_id: int) -> HttpResponse:
    """Every executive × purpose × criterion, one row each; blank where not scored."""
    scoring_round = get_object_or_404(ScoringRound, pk=round_id)
    if not is_revealed(scoring_round):
        return not_revealed(request, scoring_round)
    data = round_data(scoring_round)
    filename = f"{slugify(scoring_round.name) or 'round'}-scores.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header())
    writer.writerows(score_rows(data))
    return response
