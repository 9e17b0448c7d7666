"""Shared test configuration: hypothesis profiles and small fixtures.

Choose a hypothesis profile with ``CHITIEU_HYPOTHESIS_PROFILE`` (``dev`` by
default, ``ci`` in CI for more examples, ``quick`` for a fast local loop).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "dev", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile("quick", max_examples=5, deadline=None)
settings.load_profile(
    os.environ.get("CHITIEU_HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
)
