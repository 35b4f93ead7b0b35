"""Tenancy cases for this module's URLs (see tests/tenancy.py)."""

from tests.tenancy import OrgCase, PublicCase  # noqa: F401

CASES: dict = {}
