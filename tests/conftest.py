"""Shared pytest setup: the hypothesis profiles of the fuzz tests.

``default`` keeps ``make test`` fast; ``JUESUAN_FUZZ_PROFILE=long`` (or the older
``HYPOTHESIS_PROFILE=long``) runs each property many more times, e.g.
    JUESUAN_FUZZ_PROFILE=long .venv/bin/python -m pytest tests/test_fuzz_findings.py tests/test_extract_fuzz.py
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=5000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("JUESUAN_FUZZ_PROFILE") or os.environ.get("HYPOTHESIS_PROFILE") or "default")

#: True under the long profile: tests that set their own small max_examples scale up with it.
LONG = settings().max_examples > 60
