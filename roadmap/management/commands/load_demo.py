from django.core.management.base import BaseCommand
from django.db import transaction

from communities import demo as communities_demo
from organisations import demo as organisations_demo
from purposes import demo as purposes_demo
from purposes.scoring import demo as scoring_demo
from roadmap import demo as roadmap_demo


class Command(BaseCommand):
    help = "Load the demo organisation (idempotent: running it twice changes nothing)."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            org = organisations_demo.load_people()
            communities_demo.load(org)
            purposes_demo.load(org)
            scoring_demo.load(org)
            roadmap_demo.load(org)
        self.stdout.write(
            self.style.SUCCESS(f"Demo organisation ready: {org.name} (/o/{org.slug}/)")
        )
