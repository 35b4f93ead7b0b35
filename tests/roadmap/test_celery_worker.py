"""A real, separate ``celery worker`` process consumes the project's broker.

With no REDIS_URL the broker is kombu's filesystem transport (no server); in
CI REDIS_URL points at Redis and the same test runs against it.
"""

import pytest
from django.conf import settings
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.models import Invitation
from organisations.permissions import Role
from tests.support.worker import celery_worker, wait_for


@pytest.mark.django_db(transaction=True)
def test_worker_process_sends_the_invitation_email(world, admin_client, tmp_path):
    with celery_worker("--pool=solo", log_path=tmp_path / "worker.log"):
        response = admin_client.post(
            reverse("organisations:members", args=[world.ours.org.slug]),
            {"email": "via-worker@example.com", "role": Role.VIEWER},
        )
        assert response.status_code == 302

        def sent():
            with scopes_disabled():
                return Invitation.objects.get(email="via-worker@example.com").email_sent_at

        assert wait_for(sent, timeout=60), (tmp_path / "worker.log").read_text()
    log = (tmp_path / "worker.log").read_text()
    assert "organisations.tasks.send_invitation_email" in log
    assert "succeeded" in log


def test_broker_is_redis_when_configured_else_filesystem():
    if settings.REDIS_URL:
        assert settings.CELERY_BROKER_URL.startswith("redis://")
    else:
        assert settings.CELERY_BROKER_URL == "filesystem://"
