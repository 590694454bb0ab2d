"""Shared fixtures: the synthetic sample, generated once per test session (per worker)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

# Fixtures written beside the tests they were made for, shared by name with every test module
# (importing them into each module made a redefinition at every use).
from test_io_hostile import parser_must_not_run  # noqa: F401 - the parser-must-not-run guard
from test_report import built  # noqa: F401 - the sample built end to end once per session


@pytest.fixture(scope="session")
def sample_dirs(tmp_path_factory) -> SimpleNamespace:
    """The default sample (seed 0): ``raw`` folder and its ground truth ``truth``."""
    from vhcs_analysis.sample import write_sample

    base: Path = tmp_path_factory.mktemp("sample")
    write_sample(base / "raw", seed=0, truth_out=base / "truth")
    return SimpleNamespace(base=base, raw=base / "raw", truth=base / "truth")


@pytest.fixture(scope="session")
def processed_sample(sample_dirs) -> Path:
    """The default sample cleaned into a processed folder (read-only for tests)."""
    from vhcs_analysis.config import load
    from vhcs_analysis.pipeline import clean_folder

    out = sample_dirs.base / "processed"
    clean_folder(sample_dirs.raw, out, settings=load())
    return out
