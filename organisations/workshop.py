"""Where an organisation stands in the workshop, step by step, for its home page.

The steps belong to the apps above this one (stakeholders, purposes, rounds,
roadmaps, briefs), and ``organisations`` imports none of them. So each app
registers a provider here from its ``AppConfig.ready()``; the home page asks
every provider for its steps. A provider runs inside the organisation's scope
with ``request.org`` and ``request.membership`` set, and must cost a fixed
number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class StepState:
    TODO = "todo"
    STARTED = "started"
    DONE = "done"


STATE_LABELS = {
    StepState.TODO: _("Not started"),
    StepState.STARTED: _("In progress"),
    StepState.DONE: _("Done"),
}


@dataclass(frozen=True)
class Step:
    number: int  # its place in the workshop, 1–7
    title: str
    summary: str  # where things stand, in a sentence
    state: str
    url: str = ""
    action: str = ""  # the link's text

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


StepProvider = Callable[[HttpRequest], list[Step]]
_providers: dict[str, StepProvider] = {}


def register(name: str, provider: StepProvider) -> None:
    """Register (or replace, on a second ``ready()``) an app's step provider."""
    _providers[name] = provider


def steps_for(request: HttpRequest) -> list[Step]:
    steps = [step for provider in _providers.values() for step in provider(request)]
    return sorted(steps, key=lambda step: step.number)
