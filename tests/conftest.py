"""Shared test settings: hypothesis profiles and the path to the shared BODS data."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

# `ci`: more examples, derandomized so a failure reproduces on the next run.
settings.register_profile(
    "ci",
    max_examples=300,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
# `dev`: quick feedback while editing.
settings.register_profile("dev", max_examples=40, deadline=None)
# `mutation`: scripts/mutation.sh runs the suite once per mutant; derandomized so
# the score is reproducible, with fewer examples so the run fits in minutes.
settings.register_profile(
    "mutation",
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

ROOT = Path(__file__).resolve().parent.parent
# The shared data folder (the official BODS schema and examples) sits beside the
# repository; JVMODEL_SHARED points elsewhere (scripts/mutation.sh runs the tests
# from a copy of the tree).
SHARED = Path(os.environ.get("JVMODEL_SHARED", ROOT.parent / "shared"))
