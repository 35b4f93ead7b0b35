import pytest

from organisations.permissions import Role


@pytest.fixture
def facilitator(world):
    return world.client(world.ours.user(Role.FACILITATOR))


@pytest.fixture
def executive(world):
    return world.client(world.ours.user(Role.EXECUTIVE))


@pytest.fixture
def viewer(world):
    return world.client(world.ours.user(Role.VIEWER))
