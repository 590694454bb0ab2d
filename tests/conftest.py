"""Shared fixtures: settings isolated from the developer's own files, and the synthetic
sample, generated once per test session (per worker)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

# Fixtures written beside the tests they were made for, shared by name with every test module
# (importing them into each module made a redefinition at every use).
from test_io_hostile import parser_must_not_run  # noqa: F401 - the parser-must-not-run guard
from test_report import built  # noqa: F401 - the sample built end to end once per session


def _isolate_settings(mp: pytest.MonkeyPatch) -> None:
    from vhcs_analysis.settings import CONFIG_ENV, IGNORE_FOUND_ENV

    mp.setenv(CONFIG_ENV, "")  # set first, so the teardown also removes a value a test's command set
    mp.delenv(CONFIG_ENV)
    mp.setenv(IGNORE_FOUND_ENV, "1")


@pytest.fixture(scope="session", autouse=True)
def isolated_settings_for_the_session():
    """``isolated_settings`` for the session fixtures too (they are set up before it)."""
    with pytest.MonkeyPatch.context() as mp:
        _isolate_settings(mp)
        yield


@pytest.fixture(autouse=True)
def isolated_settings(monkeypatch) -> None:
    """Every test sees the package defaults unless it names a settings file itself: no
    ``VHCS_CONFIG`` from the developer's shell (nor one a previous test's command set), and
    the search for ``vhcs.toml`` (working folder, project root) switched off through
    ``settings.IGNORE_FOUND_ENV``, which the commands and notebook kernels a test starts
    inherit. Tests of the search lift it (tests/test_settings.py ``no_config``)."""
    _isolate_settings(monkeypatch)


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
    from vhcs_analysis.settings import load
    from vhcs_analysis.pipeline import clean_folder

    out = sample_dirs.base / "processed"
    clean_folder(sample_dirs.raw, out, settings=load())
    return out
