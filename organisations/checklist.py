"""The setup checklist a facilitator sees on a new organisation's home page.

Five things to do first: stakeholders and their needs, purposes, a scoring
round, a roadmap, a board brief. Each is read off the workshop's steps
(``organisations.workshop``), which the apps above this one compute from
their data and which the home page shows anyway: the checklist costs no
query of its own and never disagrees with the step-by-step overview below it.
It is a plain function of those steps, so it is tested without a database.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from organisations.models import Membership
from organisations.permissions import Perm
from organisations.workshop import Step, StepState


@dataclass(frozen=True)
class _Task:
    step: int  # the workshop step (``Step.number``) that says whether it is done
    title: str
    hint: str  # what to do, shown until the step has begun
    action: str  # the link's text
    action_begun: str  # the link's text once the step has begun


_TASKS = [
    _Task(
        1,
        _("Add the stakeholder communities and their needs"),
        _("Who should take part (customers, suppliers, employees…), each need weighted 1 to 5."),
        _("Add communities"),
        _("Add their needs"),
    ),
    _Task(
        2,
        _("Draft purposes and shortlist them"),
        _("Write each purpose with its four parts, then shortlist the ones worth scoring."),
        _("Draft purposes"),
        _("Shortlist purposes"),
    ),
    _Task(
        3,
        _("Open a scoring round, then reveal it"),
        _("Executives score the shortlist blind; reveal the round once they have finished."),
        _("Open a round"),
        _("Go to the open round"),
    ),
    _Task(
        5,
        _("Place the chosen purposes on a roadmap"),
        _("Choose purposes from the results, then sequence them in phases with milestones."),
        _("Build the roadmap"),
        _("Go on with the roadmap"),
    ),
    _Task(
        7,
        _("Make a board brief"),
        _("A PDF of the roadmap for the board to approve, made in a few seconds."),
        _("Make a brief"),
        _("See the brief"),
    ),
]


@dataclass(frozen=True)
class ChecklistItem:
    number: int  # 1–5, its place in the checklist
    title: str
    detail: str  # what to do, or (once begun) where it stands
    action: str
    url: str
    state: str  # a StepState
    is_next: bool

    @property
    def done(self) -> bool:
        return self.state == StepState.DONE

    @property
    def started(self) -> bool:
        return self.state == StepState.STARTED


@dataclass(frozen=True)
class Checklist:
    items: list[ChecklistItem]
    hidden: bool  # by this member; the page then offers to show it again

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.items if item.done)

    @property
    def complete(self) -> bool:
        return all(item.done for item in self.items)


def checklist_from(steps: list[Step], *, hidden: bool = False) -> Checklist:
    by_number = {step.number: step for step in steps}
    items: list[ChecklistItem] = []
    url = ""
    next_found = False
    for task in _TASKS:
        step = by_number.get(task.step)
        if step is None:  # its app is not installed
            continue
        # A step that cannot begin yet (no roadmap to brief) links to the one it waits for.
        url = step.url or url
        is_next = not next_found and step.state != StepState.DONE
        next_found = next_found or is_next
        items.append(
            ChecklistItem(
                number=len(items) + 1,
                title=str(task.title),
                detail=step.summary if step.state != StepState.TODO else str(task.hint),
                action=str(task.action_begun if step.state == StepState.STARTED else task.action),
                url=url,
                state=step.state,
                is_next=is_next,
            )
        )
    return Checklist(items=items, hidden=hidden)


def checklist_for(steps: list[Step], membership: Membership) -> Checklist | None:
    """The checklist for this member, or None: not theirs to run, or all of it done."""
    if not membership.has_perm(Perm.RUN_WORKSHOP):
        return None
    checklist = checklist_from(steps, hidden=membership.checklist_hidden)
    if not checklist.items or checklist.complete:
        return None
    return checklist
