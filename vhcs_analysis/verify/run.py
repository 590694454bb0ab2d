"""``vhcs verify`` as a whole: the four steps in order on a temporary folder, with the
settings the report recorded, and the command's console side."""

from __future__ import annotations

import tempfile
from pathlib import Path

from vhcs_analysis import layout
from vhcs_analysis.config import Paths, get_paths
from vhcs_analysis.errors import VhcsError
from vhcs_analysis.settings import Settings, load
from vhcs_analysis.verify.folder import locate_report, within
from vhcs_analysis.verify.recorded import recorded_settings, recorded_settings_in_force
from vhcs_analysis.verify.steps import check_cleaning, check_documents, check_inputs, check_notebooks
from vhcs_analysis.verify.summary import Check, Verification, write_summary

def verify(report_dir: Path, raw: Path | None = None, *, say=None, settings: Settings | None = None) -> Verification:
    """Run the four checks; ``say`` gets one progress line per step. VhcsError (exit 2)
    for a folder that is not a report or a raw folder that does not exist. ``settings``:
    the settings in force (``vhcs verify --config``; default: found as every command finds
    them), only compared with the recorded ones."""
    say = say or (lambda _text: None)
    report = locate_report(Path(report_dir))
    raw = Path(raw) if raw is not None else get_paths().raw
    if not raw.is_dir():
        raise VhcsError(f"không có thư mục dữ liệu thô '{raw}' (chỉ định bằng --raw)")
    result = Verification(report=report.root, raw=raw)
    # an entry point: the settings in force, only to name how they differ from the recorded ones
    in_force = (settings if settings is not None else load()).record()["values"]
    values, result.settings_problems, result.notes = recorded_settings(report.manifest, in_force)

    def step(number: int, text: str) -> None:
        say(f"Bước {number}/4: {text} …")

    def outcome(check: Check) -> Check:
        say(f"  ✓ {check.summary}" if check.ok else f"  ✗ {len(check.problems)} khác biệt")
        result.checks.append(check)
        return check

    with tempfile.TemporaryDirectory(prefix="vhcs-verify-") as tmp:
        work = Path(tmp)
        paths = Paths(raw=raw.resolve(), processed=work / layout.PROCESSED_DIR, reports=work / "reports")
        with recorded_settings_in_force(values, work) as (settings, env_extra):
            if result.settings_problems:
                say(f"Cấu hình đang dùng khác cấu hình ghi trong báo cáo ({len(result.settings_problems)} mục); "
                    "kiểm tra lại bằng cấu hình của báo cáo.")
            step(1, f"đối chiếu sha256 các tệp trong {raw} với manifest của báo cáo")
            outcome(check_inputs(raw, report.manifest, exclude=(report.root,)))
            step(2, "làm sạch lại dữ liệu thô và so với dữ liệu đã làm sạch của báo cáo")
            outcome(check_cleaning(raw, report, paths.processed, settings))
            step(3, f"kiểm tra {len(report.notebooks)} notebook đã chạy bằng nbval nghiêm ngặt")
            outcome(check_notebooks(report, paths, work, env_extra))
            step(4, "dựng lại báo cáo PDF/Word/trình chiếu và so từng byte")
            outcome(check_documents(report, paths, settings))
    return result


def cli_verify(report: Path, raw: Path | None, summary: Path | None, console, *,
               settings: Settings | None = None) -> int:
    """``vhcs verify``: 0 reproduced, 1 something differs, 2 usage error (VhcsError)."""
    if summary is not None and within(summary.parent, Path(report)) and Path(report).is_dir():
        raise VhcsError(f"không ghi tệp tóm tắt vào trong thư mục báo cáo ({summary}): "
                        "lệnh verify chỉ đọc thư mục báo cáo; chọn nơi khác cho --summary")
    result = verify(report, raw, say=lambda text: console.print(text, markup=False, soft_wrap=True),
                    settings=settings)
    for line in result.verdict_lines():
        console.print(line, markup=False, soft_wrap=True)
    if summary is not None:
        write_summary(result, summary)
        console.print(f"Đã ghi tóm tắt: {summary}", markup=False, soft_wrap=True)
    return 0 if result.ok else 1
