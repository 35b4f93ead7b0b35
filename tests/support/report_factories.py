"""Factories for briefs. A done brief gets a small file in the private storage."""

import factory
from django.core.files.base import ContentFile
from django_scopes import scopes_disabled

from reports.models import Report, ReportKind, ReportStatus
from tests.support.factories import UnscopedFactory
from tests.support.roadmap_factories import RoadmapFactory

FAKE_PDF = b"%PDF-1.7\n% a stand-in for a brief\n%%EOF\n"


class ReportFactory(UnscopedFactory):
    class Meta:
        model = Report
        skip_postgeneration_save = True

    roadmap = factory.SubFactory(RoadmapFactory)
    organisation = factory.SelfAttribute("roadmap.organisation")
    kind = ReportKind.BOARD
    version = factory.Sequence(lambda n: n + 1)
    status = ReportStatus.QUEUED

    class Params:
        done = factory.Trait(status=ReportStatus.DONE, progress=100, page_count=1)
        failed = factory.Trait(status=ReportStatus.FAILED, error="The worker stopped.")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs.get("status") != ReportStatus.DONE:
            return super()._create(model_class, *args, **kwargs)
        with scopes_disabled():
            report = model_class(*args, **kwargs)
            report.file.save("brief.pdf", ContentFile(FAKE_PDF), save=False)
            report.size_bytes = len(FAKE_PDF)
            report.sha256 = "0" * 64
            report.save()
        return report
