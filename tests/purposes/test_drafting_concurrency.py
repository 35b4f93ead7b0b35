"""Two people save the same purpose at the same moment: exactly one wins.

The two-client sequential case is in test_drafting_views.py; this one runs
the saves in two threads with their own database connections, released
together, so the conditional UPDATE really races (PostgreSQL row locks).
"""

import threading

import pytest
from django.db import connection
from django_scopes import scope

from organisations.permissions import Role
from purposes import services
from purposes.services import PurposeText
from tests.support.drafting import TEXT, create_purpose, reload, revisions_of

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_saves_of_the_same_version_one_conflicts(world, require_postgres):
    purpose = create_purpose(world.ours, world.ours.user(Role.EXECUTIVE))
    editors = [world.ours.user(Role.EXECUTIVE), world.ours.user(Role.FACILITATOR)]
    start = threading.Barrier(len(editors))
    outcomes: dict[str, str] = {}

    def save(user) -> None:
        try:
            start.wait(timeout=10)
            with scope(organisation=world.ours.org):
                services.purpose_update(
                    purpose=purpose,
                    actor=user,
                    loaded_version=1,
                    text=PurposeText.from_values({**TEXT, "statement": f"By {user.email}"}),
                    communities=[],
                )
            outcomes[user.email] = "saved"
        except services.EditConflict:
            outcomes[user.email] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(user,)) for user in editors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["conflict", "saved"], outcomes
    (winner,) = [email for email, outcome in outcomes.items() if outcome == "saved"]
    saved = reload(purpose)
    assert (saved.statement, saved.version) == (f"By {winner}", 2)
    assert [r.number for r in revisions_of(purpose)] == [1, 2]
