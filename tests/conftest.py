"""Settings for the whole suite.

Under CI (`CI=true`) hypothesis draws the same examples on every run (`derandomize`), so
CI never turns red on an example no developer has seen; local runs draw new examples each
time, and that is where property tests find new cases.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")
