"""The indicator codes, alone: what the settings check reads to know a code.

A leaf (it imports nothing of the package), so ``settings`` can check that the codes a
settings file names exist without importing ``indicators``, whose computations take the
settings (an import cycle otherwise). ``indicators.INDICATOR_NAMES`` lists the same codes
in the same order (tests/test_settings.py keeps the two in step) until the indicator
registry, data read by both, takes this module's place.
"""

from __future__ import annotations

INDICATOR_CODES: tuple[str, ...] = (
    "study_rate",
    "action_programme",
    "personal_plan_rate",
    "department_plan_rate",
    "good_rating_rate",
    "complaints_per_100",
    "violations_per_100",
    "inspection_score",
    "on_time_rate",
    "satisfaction_rate",
    "office_layout",
    "good_practices",
    "internal_inspections",
    "commended_per_100",
    "oc_index",
)
