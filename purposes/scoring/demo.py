"""A revealed demo round, so the results page has something to say.

Runs after the purposes and communities demos: it scores the organisation's
shortlisted and chosen purposes against all its needs, as five executives
would, with seeded randomness (the same every time) and a few real
disagreements.
"""

import random

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from communities.models import Need
from organisations.models import Membership, Organisation
from purposes.models import (
    Characteristic,
    CharacteristicScore,
    NeedScore,
    Purpose,
    PurposeStatus,
    RoundStatus,
    ScoringRound,
)

ROUND_NAME = "Workshop round 1"
EXECUTIVE_EMAILS = [
    "executive@demo.example",
    "tom@demo.example",
    "priya@demo.example",
    "jonas@demo.example",
    "grace@demo.example",
]
FACILITATOR_EMAIL = "facilitator@demo.example"
# Cells where one executive sees it very differently from the rest.
DISAGREEMENTS = 5


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _words(text: str) -> set[str]:
    return {word for word in text.lower().replace("'", " ").split() if len(word) >= 5}


def load(org: Organisation) -> None:
    """Create the demo round once; running it again changes nothing."""
    with scope(organisation=org), transaction.atomic():
        if ScoringRound.objects.filter(name=ROUND_NAME).exists():
            return
        purposes = list(
            Purpose.objects.filter(
                status__in=[PurposeStatus.SHORTLISTED, PurposeStatus.CHOSEN]
            ).order_by("title", "pk")
        )
        needs = list(Need.objects.all())
        memberships = {
            m.user.email: m.user
            for m in Membership.objects.select_related("user").filter(
                user__email__in=[*EXECUTIVE_EMAILS, FACILITATOR_EMAIL]
            )
        }
        executives = [memberships[email] for email in EXECUTIVE_EMAILS if email in memberships]
        if not purposes or not needs or not executives:
            return
        rng = random.Random(f"{org.slug}:{ROUND_NAME}")  # noqa: S311 - demo data, not security
        now = timezone.now()
        scoring_round = ScoringRound.objects.create(
            organisation=org,
            name=ROUND_NAME,
            status=RoundStatus.REVEALED,
            created_by=memberships.get(FACILITATOR_EMAIL),
            revealed_at=now,
        )
        scoring_round.purposes.set(purposes)
        scoring_round.needs.set(needs)
        scoring_round.executives.set(executives)

        need_scores = {}
        for purpose in purposes:
            strength = rng.uniform(1.5, 4.2)  # how well this purpose fits, overall
            title_words = _words(purpose.title)
            for need in needs:
                consensus = _clamp(rng.gauss(strength, 1.1), 0, 5)
                if title_words & _words(need.statement):
                    # A purpose plainly meets the need it is named after.
                    consensus = max(consensus, 4)
                # Executives agree within one point, leaning the same way.
                lean = rng.choice([-1, 1])
                for user in executives:
                    score = _clamp(consensus + rng.choice([0, 0, 0, lean]), 0, 5)
                    need_scores[purpose.pk, need.pk, user.pk] = score
        for _ in range(DISAGREEMENTS):
            purpose, need, user = rng.choice(purposes), rng.choice(needs), rng.choice(executives)
            others = [need_scores[purpose.pk, need.pk, u.pk] for u in executives if u != user]
            middle = sum(others) / len(others)
            need_scores[purpose.pk, need.pk, user.pk] = 0 if middle >= 2.5 else 5

        char_scores = {}
        for purpose in purposes:
            for characteristic in Characteristic.values:
                consensus = rng.randint(2, 4)
                lean = rng.choice([-1, 1])
                for user in executives:
                    score = _clamp(consensus + rng.choice([0, 0, lean]), 1, 5)
                    char_scores[purpose.pk, characteristic, user.pk] = score
        # The risk of the first purpose splits the room.
        first = purposes[0].pk
        char_scores[first, Characteristic.RISK, executives[0].pk] = 1
        char_scores[first, Characteristic.RISK, executives[-1].pk] = 5

        NeedScore.objects.bulk_create(
            NeedScore(
                organisation=org,
                round=scoring_round,
                purpose_id=purpose_id,
                need_id=need_id,
                scorer_id=user_id,
                score=score,
            )
            for (purpose_id, need_id, user_id), score in need_scores.items()
        )
        CharacteristicScore.objects.bulk_create(
            CharacteristicScore(
                organisation=org,
                round=scoring_round,
                purpose_id=purpose_id,
                characteristic=characteristic,
                scorer_id=user_id,
                score=score,
            )
            for (purpose_id, characteristic, user_id), score in char_scores.items()
        )
