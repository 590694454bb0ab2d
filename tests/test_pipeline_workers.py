"""How many processes read the files: the setting, else what the machine has free."""

from __future__ import annotations

import os

import pytest

from vhcs_analysis import pipeline


@pytest.mark.parametrize(("cores", "load", "expected"), [(2, 0.2, 2), (2, 0.6, 1), (2, 3.5, 1), (8, 4.0, 2),
                                                          (1, 0.0, 1)])
def test_workers__two_only_with_two_cores_free(monkeypatch, cores, load, expected):
    monkeypatch.delenv("VHCS_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert pipeline._workers() == expected


def test_workers__the_environment_setting_wins_over_the_load(monkeypatch):
    monkeypatch.setattr(os, "getloadavg", lambda: (9.0, 9.0, 9.0))
    monkeypatch.setenv("VHCS_WORKERS", "2")
    assert pipeline._workers() == 2
    monkeypatch.setenv("VHCS_WORKERS", "1")
    assert pipeline._workers() == 1


def test_workers__without_a_load_average_the_cores_decide(monkeypatch):
    monkeypatch.delenv("VHCS_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    monkeypatch.delattr(os, "getloadavg")
    assert pipeline._workers() == 2
