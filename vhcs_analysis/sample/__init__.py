"""Synthetic raw dataset ("DỮ LIỆU MẪU") with realistic mess, and its ground truth.

``write_sample(out)`` writes what units and inspectors really send (Form 01 per-unit
workbooks and consolidated sheets, Form 02 rounds, annual rankings, the units registry,
legacy encodings, numbers as text, duplicates, impossible values, non-data files) into
``out``, and the clean tables a correct cleaner must produce, with the planted pilot
effects, into ``truth_out`` (never inside ``out``). Same seed, same bytes.
See docs/sample-data.md.
"""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from vhcs_analysis import config
from vhcs_analysis.errors import VhcsError
from vhcs_analysis.io.writers import write_bytes_atomic, write_json_atomic, write_parquet_atomic
from vhcs_analysis.tables import conform, empty

SCALES = ("province", "national")
TRUTH_MARKER = "planted_effects.json"


@dataclass(frozen=True)
class SampleSummary:
    """What ``write_sample`` wrote (counts of files and of true rows)."""

    scale: str
    seed: int
    raw: Path
    truth: Path
    files: int
    units: int
    unit_reports: int
    inspections: int
    rankings: int
    expected_rejects: int
    expected_findings: int
    expected_skipped: int
    missing_reports: int


KEEP = {".gitkeep"}  # placeholder files of an empty project folder (make report writes into data/raw)


def _prepare_folder(path: Path, own_marker: str, what: str) -> None:
    """An empty folder to write into; a previous sample of ours is replaced, anything else
    refused (never delete a user's files). A lone ``.gitkeep`` counts as empty and stays."""
    if path.exists() and not path.is_dir():
        raise VhcsError(f"{path} không phải là thư mục ({what})")
    entries = [p for p in path.iterdir() if p.name not in KEEP] if path.is_dir() else []
    if entries:
        if not (path / own_marker).is_file():
            raise VhcsError(f"thư mục {path} đã có tệp khác; hãy chọn một thư mục trống để ghi {what}")
        for entry in entries:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    path.mkdir(parents=True, exist_ok=True)


def _is_inside(child: Path, parent: Path) -> bool:
    child, parent = child.resolve(), parent.resolve()
    return child == parent or parent in child.parents


def write_marker(out: Path, seed: int, scale: str) -> None:
    """DU_LIEU_MAU.txt: first line SAMPLE_MARKER_LINE, then why the data must not be cited."""
    text = "\n".join([
        config.SAMPLE_MARKER_LINE,
        config.SAMPLE_MARK,
        "Thư mục này chứa DỮ LIỆU MẪU do phần mềm vhcs-analysis tự sinh để chạy thử.",
        "Tên đơn vị là thật nhưng mọi con số, họ tên người ký và ghi chú đều là giả.",
        "Không được trích dẫn, công bố hay dùng số liệu này cho bất kỳ đánh giá nào.",
        f"Hạt giống (seed): {seed}; quy mô: {scale}.",
        "",
        # The file list lets `vhcs clean` tell when real files were added to a sample
        # folder (sample and real data must never mix silently).
        config.SAMPLE_FILES_HEADER,
        *(f"{sha}  {rel}" for rel, sha in _sample_file_hashes(out)),
        "",
    ])
    write_bytes_atomic(text.encode("utf-8"), out / config.SAMPLE_MARKER_FILE)


def _sample_file_hashes(out: Path) -> list[tuple[str, str]]:
    """(relative posix path, sha256) of every file written so far, in path order."""
    from vhcs_analysis.io.files import sha256_file

    files = [p for p in out.rglob("*") if p.is_file() and p.name != config.SAMPLE_MARKER_FILE]
    return sorted((p.relative_to(out).as_posix(), sha256_file(p)) for p in files)


def write_units_csv(units: pd.DataFrame, path: Path) -> None:
    """The registry as the contract says: UTF-8, aliases ';'-separated, is_pilot 1/0."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    cols = ["unit_id", "unit_name", "aliases", "block", "is_pilot", "unit_type", "staff_count"]
    writer.writerow(cols)
    for rec in units[cols].itertuples(index=False):
        row = list(rec)
        row[4] = 1 if row[4] else 0
        writer.writerow(row)
    write_bytes_atomic(buf.getvalue().encode("utf-8"), path)


def _csv_bytes(rows: list[dict], columns: list[str]) -> bytes:
    frame = pd.DataFrame(rows, columns=columns)
    sort = [c for c in columns if c in ("source_file", "sheet", "row", "column", "unit_id", "period")]
    if len(frame):
        frame = frame.sort_values(sort, kind="mergesort", na_position="first")
    for c in ("row",):
        if c in frame:
            frame[c] = frame[c].astype("Int64")
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def planted_effects(world, unit_reports: pd.DataFrame, inspections: pd.DataFrame, seed: int, scale: str) -> dict:
    """The documented truth for the statistics: model parameters and realised DiD."""
    from vhcs_analysis.sample import truth as t

    indicators = {}
    definitions = {
        "study_rate": ("%", "staff_studied / staff_total × 100", "effect"),
        "on_time_rate": ("%", "dossiers_on_time / (dossiers_on_time + dossiers_late) × 100 (đơn vị có một cửa)",
                         "effect"),
        "complaints_per_100_staff": ("lượt / 100 người", "complaints_conduct / staff_total × 100",
                                     "baseline_gap_parallel_trends"),
        "violations_per_100_staff": ("người / 100 người", "discipline_violations / staff_total × 100", "null"),
        "inspection_score": ("điểm (0–100)", "total_score của Biểu 02; đợt → kỳ theo inspection_round_period",
                             "effect"),
    }
    for name, (unit, definition, kind) in definitions.items():
        m = t.MODEL[name]
        panel = t.indicator_panel(unit_reports, inspections, name)
        indicators[name] = {
            "unit": unit, "definition": definition, "kind": kind,
            "true_did": float(m["effect"][-1]),
            "true_did_by_period": dict(zip(t.PERIODS, map(float, m["effect"]))),
            "pilot_gap_every_period": float(m["gap"]),
            "rest_mean_by_period": dict(zip(t.PERIODS, map(float, m["level"]))),
            "sd": {"block": m["block_sd"], "unit": m["unit_sd"], "noise": m["noise_sd"]},
            **t.realised_did(panel, world.units),
        }
    units = world.units
    return {
        "note": config.SAMPLE_MARK,
        "seed": seed,
        "scale": scale,
        "baseline": t.BASELINE,
        "post": t.POST,
        "periods": list(t.PERIODS),
        "resolution_date": t.RESOLUTION_DATE.isoformat(),
        "report_deadline": {"H1": "20/06", "H2": "20/12",
                            "rule": "báo cáo muộn khi report_date sau ngày 20 của tháng cuối kỳ"},
        "inspection_round_period": dict(t.ROUND_PERIOD),
        "rating_thresholds": t.rating_thresholds(),
        "excellent_cap_2018": t.EXCELLENT_CAP,
        "pilots": units.loc[units["is_pilot"], "unit_id"].tolist() if scale == "province"
        else int(units["is_pilot"].sum()),
        "units_without_one_stop_desk": units.loc[~units["one_stop"], "unit_id"].tolist()
        if scale == "province" else int((~units["one_stop"]).sum()),
        "indicators": indicators,
    }


def write_truth(truth: Path, world, ledger, seed: int, scale: str) -> dict:
    """Parquet truth tables, expected rejects/findings/skips/missing, effects JSON, README."""
    units = conform(world.units.drop(columns=["one_stop", "slug"]), "units")
    reports = conform(pd.DataFrame(ledger.reports), "unit_reports") if ledger.reports else empty("unit_reports")
    inspections = (conform(pd.DataFrame(ledger.inspections), "inspections") if ledger.inspections
                   else empty("inspections"))
    rankings = conform(pd.DataFrame(ledger.rankings), "rankings") if ledger.rankings else empty("rankings")
    for name, frame in (("units", units), ("unit_reports", reports), ("inspections", inspections),
                        ("rankings", rankings)):
        write_parquet_atomic(frame, truth / f"{name}.parquet")
    files = {
        "expected_rejects.csv": (ledger.rejects, ["source_file", "sheet", "row", "column", "reason_code"]),
        "expected_findings.csv": (ledger.findings, ["source_file", "sheet", "row", "column", "finding_code"]),
        "expected_skipped.csv": (ledger.skipped, ["source_file", "reason"]),
        "expected_missing.csv": (ledger.missing, ["unit_id", "period", "why"]),
    }
    for name, (rows, columns) in files.items():
        write_bytes_atomic(_csv_bytes(rows, columns), truth / name)
    write_json_atomic(planted_effects(world, reports, inspections, seed, scale), truth / TRUTH_MARKER)
    from vhcs_analysis.sample.readme import TRUTH_README

    write_bytes_atomic(TRUTH_README.encode("utf-8"), truth / "README.md")
    return {"units": len(units), "unit_reports": len(reports), "inspections": len(inspections),
            "rankings": len(rankings)}


def write_sample(out: Path, *, seed: int = 0, scale: str = "province", truth_out: Path | None = None,
                 until: str | None = None) -> SampleSummary:
    """Write the synthetic raw dataset into ``out`` and its ground truth into ``truth_out``
    (default ``out.parent / "sample_truth"``). Same seed and scale give byte-identical files.
    ``until`` (province only, e.g. "2021-H2"): add the later half-years and years of a final
    review after the interim window (sample/later.py); the interim files are unchanged."""
    if until is not None and scale != "province":
        raise VhcsError("tùy chọn --until chỉ dùng với quy mô 'province'")
    if scale not in SCALES:
        raise VhcsError(f"quy mô '{scale}' không hợp lệ; chọn 'province' (66 đơn vị) hoặc 'national' (~6.300 đơn vị)")
    out = Path(out)
    truth = Path(truth_out) if truth_out is not None else out.parent / "sample_truth"
    if _is_inside(truth, out):
        raise VhcsError(f"thư mục số liệu gốc đúng ({truth}) không được nằm trong thư mục dữ liệu thô ({out})")
    if _is_inside(out, truth):
        raise VhcsError(f"thư mục dữ liệu thô ({out}) không được nằm trong thư mục số liệu gốc đúng ({truth})")
    _prepare_folder(out, config.SAMPLE_MARKER_FILE, "dữ liệu mẫu")
    _prepare_folder(truth, TRUTH_MARKER, "số liệu gốc đúng")
    rng = np.random.default_rng([seed, SCALES.index(scale)])
    if scale == "province":
        from vhcs_analysis.sample.province import Province
        from vhcs_analysis.sample.truth import build_world
        from vhcs_analysis.sample.units import UNIT_SPECS

        world = build_world(rng, UNIT_SPECS)
        province = Province(out, world, rng)
        ledger = province.write_all()
        if until is not None:
            from vhcs_analysis.sample.later import write_later_periods

            # its own generator, so the interim files are the same bytes with or without it
            write_later_periods(province, until, np.random.default_rng([seed, SCALES.index(scale), 1]))
    else:
        from vhcs_analysis.sample.national import write_national

        world, ledger = write_national(out, rng)
    write_units_csv(world.units, out / "units.csv")
    write_marker(out, seed, scale)
    counts = write_truth(truth, world, ledger, seed, scale)
    return SampleSummary(
        scale=scale, seed=seed, raw=out, truth=truth, files=ledger.files + 2, **counts,
        expected_rejects=len(ledger.rejects), expected_findings=len(ledger.findings),
        expected_skipped=len(ledger.skipped),
        missing_reports=sum(1 for m in ledger.missing
                            if m["period"] in ("2016-H2", "2017-H1", "2017-H2", "2018-H1", "2018-H2")),
    )


def cli_sample(out: Path, seed: int, scale: str, truth_out: Path | None, console, until: str | None = None) -> int:
    """``vhcs sample``: write the sample and print a short Vietnamese summary."""
    from vhcs_analysis import fmt

    summary = write_sample(out, seed=seed, scale=scale, truth_out=truth_out, until=until)
    scale_vi = {"province": "cấp tỉnh", "national": "toàn quốc"}[summary.scale]
    console.print(f"[bold]Đã tạo DỮ LIỆU MẪU[/] (không phải số liệu thực) — quy mô {scale_vi}, hạt giống {seed}")
    console.print(f"  Dữ liệu thô: {summary.raw}  ({fmt.number(summary.files)} tệp)")
    console.print(f"  Số liệu gốc đúng: {summary.truth}")
    console.print(
        f"  {fmt.number(summary.units)} đơn vị · {fmt.number(summary.unit_reports)} báo cáo Biểu 01 · "
        f"{fmt.number(summary.inspections)} lượt kiểm tra Biểu 02 · {fmt.number(summary.rankings)} kết quả xếp loại"
    )
    console.print(
        f"  Cài sẵn: {fmt.number(summary.expected_rejects)} dòng phải bị loại, "
        f"{fmt.number(summary.expected_skipped)} tệp phải bỏ qua, "
        f"{fmt.number(summary.missing_reports)} báo cáo thiếu hoặc bị loại."
    )
    return 0


__all__ = ["SampleSummary", "write_sample", "cli_sample"]
