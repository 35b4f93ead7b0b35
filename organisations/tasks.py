from celery import shared_task

from organisations import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: int, accept_url: str) -> bool:
    return services.invitation_send_email(invitation_id=invitation_id, accept_url=accept_url)
