"""What keeps a round from being deleted: the things above ``purposes`` that use it.

A board brief keeps its round's results in its snapshot, but ``purposes``
imports nothing of ``reports`` (docs/architecture.md, "Layers"). So, as with
the workshop steps (``organisations.workshop``), each app that uses rounds
registers a provider from its ``AppConfig.ready()``; ``round_delete`` asks
every provider first. A provider runs inside the organisation's scope and
returns, in words, what uses the round ("Board brief version 2 of “Growth
plan”"), at most ``limit`` of them and in a fixed number of queries.
"""

from collections.abc import Callable

from purposes.models import ScoringRound

UsesProvider = Callable[[ScoringRound, int], list[str]]
_providers: dict[str, UsesProvider] = {}
# Enough to say why; the page says "and more" beyond it.
LIMIT = 5


def register(name: str, provider: UsesProvider) -> None:
    """Register (or replace, on a second ``ready()``) an app's provider."""
    _providers[name] = provider


def round_uses(scoring_round: ScoringRound, limit: int = LIMIT) -> list[str]:
    """What uses ``scoring_round``, in words; empty when it may be deleted."""
    uses: list[str] = []
    for provider in _providers.values():
        uses += provider(scoring_round, limit)
    return uses
