"""The final review (tổng kết) by settings alone: a sample with eleven half-years
(`vhcs sample --until 2021-H2`) and `[review] kind = "tong-ket"` give a report titled
"TỔNG KẾT 5 NĂM" in `bao-cao-tong-ket-nq01.pdf`, every trend over eleven periods."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from vhcs_analysis.sample import write_sample
from vhcs_analysis.sample.later import periods_after

ELEVEN = ["2016-H2", "2017-H1", "2017-H2", "2018-H1", "2018-H2", "2019-H1", "2019-H2",
          "2020-H1", "2020-H2", "2021-H1", "2021-H2"]
SETTINGS = f'[review]\nkind = "tong-ket"\nperiods = {ELEVEN!r}\npost = "2021-H2"\n'


def _hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file()}


def test_periods_after__half_years_up_to_the_last():
    assert periods_after("2018-H2", "2021-H2") == ELEVEN[5:]
    assert periods_after("2018-H2", "2018-H2") == []


def test_write_sample__until_adds_later_periods_and_keeps_the_interim_files(tmp_path, sample_dirs):
    write_sample(tmp_path / "raw", truth_out=tmp_path / "truth", until="2021-H2")
    before, after = _hashes(sample_dirs.raw), _hashes(tmp_path / "raw")
    changed = sorted(k for k in before if before[k] != after.get(k))
    assert changed == ["DU_LIEU_MAU.txt"]  # the marker lists the added files too
    added = sorted(set(after) - set(before))
    assert len([a for a in added if a.startswith("tong-hop/")]) == 6
    assert len([a for a in added if a.startswith("xep-loai/")]) == 3
    truth = pd.read_parquet(tmp_path / "truth" / "unit_reports.parquet")
    assert sorted(truth["period"].unique()) == ELEVEN


@pytest.mark.slow
def test_vhcs_report__final_review_by_settings_alone(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    (tmp_path / "vhcs.toml").write_text(SETTINGS, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("VHCS_")}

    def vhcs(*args):
        done = subprocess.run([sys.executable, "-m", "vhcs_analysis", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=1200)
        assert done.returncode == 0, (done.stdout[-3000:], done.stderr[-3000:])
        return done

    vhcs("sample", "--out", "raw", "--until", "2021-H2")
    done = vhcs("report", "--raw", "raw", "--out", "out")
    assert "vhcs.toml" in done.stderr  # the settings file used is printed
    pdf = tmp_path / "out" / "bao-cao-tong-ket-nq01.pdf"
    assert pdf.is_file() and not (tmp_path / "out" / "bao-cao-so-ket-nq01.pdf").exists()
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(str(pdf)).pages)
    assert "TỔNG KẾT 5 NĂM" in text
    assert "SƠ KẾT" not in text.upper()
    assert not re.search(r"(?<![\d\w])2 năm(?!\s*\d)", text)  # "2 năm" the window, not "đợt 2 năm 2017"
    assert "vhcs.toml" in text  # methods appendix names the settings file
    import docx

    draft = docx.Document(str(pdf.with_suffix(".docx")))
    digest = hashlib.sha256((tmp_path / "vhcs.toml").read_bytes()).hexdigest()
    assert any(f"Tệp vhcs.toml (SHA-256 {digest})" in p.text for p in draft.paragraphs)  # the Word draft too
    tables = tmp_path / "out" / "tables"
    for name in ("trends", "event_study", "completeness", "on_time_rate"):
        periods = pd.read_csv(tables / f"{name}.csv")["period"].astype(str).unique().tolist()
        assert sorted(periods) == ELEVEN, name
    vhcs("template", "--out", "bieu")
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "bieu" / "Bieu_01-VHCS_don_vi.xlsx").worksheets[0]
    formulas = " ".join(dv.formula1 or "" for dv in ws.data_validations.dataValidation)
    assert "6 tháng cuối năm 2021" in formulas


def test_window_without_data__clean_warns_and_report_stops_naming_the_periods_found(
        tmp_path, sample_dirs, monkeypatch):
    from typer.testing import CliRunner

    from vhcs_analysis.cli import app

    later = [*ELEVEN[:5], "2019-H1", "2019-H2", "2020-H1"]
    config = tmp_path / "vhcs.toml"
    config.write_text(f"[review]\nperiods = {later!r}\npost = '2020-H1'\n", encoding="utf-8")
    monkeypatch.setenv("VHCS_CONFIG", str(config))  # restored after the test
    found = "2016-H2, 2017-H1, 2017-H2, 2018-H1, 2018-H2"

    clean = CliRunner().invoke(app, ["clean", "--raw", str(sample_dirs.raw), "--out", str(tmp_path / "p")])
    assert clean.exit_code == 0
    assert "post = 2020-H1" in clean.output and found in clean.output

    report = CliRunner().invoke(app, ["report", "--raw", str(sample_dirs.raw), "--out", str(tmp_path / "out")])
    assert report.exit_code == 2
    assert "post = 2020-H1" in report.output and found in report.output
    assert "Traceback" not in report.output
    assert not (tmp_path / "out" / "notebooks").exists()  # stopped before the notebooks
