"""Tests needing a service that is not there skip, or fail in CI (REQUIRE_SERVICES=1)."""

import os

import pytest

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "").strip().lower() in {"1", "true", "yes"}


def need(available: bool, reason: str) -> None:
    """Skip when a service is missing; fail instead when REQUIRE_SERVICES=1 (CI)."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1: this must not be skipped)")
    pytest.skip(reason)
