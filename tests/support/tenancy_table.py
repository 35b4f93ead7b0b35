"""Every URL's tenancy case: the ``CASES`` of each app's ``tenancy_cases.py``, in one table."""

from tests.communities import tenancy_cases as communities_cases
from tests.organisations import tenancy_cases as organisations_cases
from tests.purposes import tenancy_cases as purposes_cases
from tests.reports import tenancy_cases as reports_cases
from tests.roadmap import exchange_tenancy_cases as roadmap_exchange_cases
from tests.roadmap import tenancy_cases as roadmap_cases

CASE_MODULES = [
    organisations_cases,
    communities_cases,
    purposes_cases,
    roadmap_cases,
    roadmap_exchange_cases,
    reports_cases,
]
TABLE: dict = {}
for module in CASE_MODULES:
    TABLE.update(module.CASES)
