"""Shared fixtures: the synthetic sample, generated once per test session (per worker)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest


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
