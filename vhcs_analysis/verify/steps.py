"""The four steps of ``vhcs verify``, each returning a ``Check``: 1. the inputs' sha256
against the manifest, 2. the cleaning redone (``stages.clean``), 3. strict nbval on the
executed notebooks, 4. the documents rebuilt (``stages.render``); every comparison goes
through the one diff helper (``verify.diff``)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from vhcs_analysis import layout
from vhcs_analysis.config import Paths
from vhcs_analysis.errors import VhcsError
from vhcs_analysis.settings import Settings
from vhcs_analysis.verify.diff import compare_files, compare_folders
from vhcs_analysis.verify.folder import ReportFolder, within
from vhcs_analysis.verify.nbval import nbval_command, parse_junit
from vhcs_analysis.verify.summary import Check, short_sha

def hash_raw_folder(raw: Path, *, exclude: tuple[Path, ...] = ()) -> dict[str, str | None]:
    """{path relative to raw: sha256} for every input the cleaning would see (entries it
    skips without reading, such as hidden files, map to None), as ``vhcs clean`` lists them."""
    from vhcs_analysis.io.files import list_input_files, sha256_file

    files, skipped = list_input_files(raw)
    out: dict[str, str | None] = {}
    for p in files:
        if any(within(p, ex) for ex in exclude):
            continue
        try:
            out[p.relative_to(raw).as_posix()] = sha256_file(p)
        except OSError:
            out[p.relative_to(raw).as_posix()] = None
    for p, _reason in skipped:
        try:
            out.setdefault(p.relative_to(raw).as_posix(), None)
        except ValueError:
            out.setdefault(p.name, None)
    return out


def check_inputs(raw: Path, manifest: dict, *, exclude: tuple[Path, ...] = ()) -> Check:
    """Step 1: each raw file's sha256 against the manifest (files missing, new or changed);
    ``exclude``: folders inside ``raw`` that are not inputs (the report folder itself)."""
    recorded = {str(f.get("path")): f.get("sha256") for f in manifest.get("files", [])}
    current = hash_raw_folder(raw, exclude=exclude)
    check = Check("inputs")
    for path in sorted(set(recorded) - set(current)):
        check.problems.append(f"thiếu tệp {path} (manifest ghi sha256 {short_sha(recorded[path])}…)")
    for path in sorted(set(current) - set(recorded)):
        check.problems.append(f"tệp mới {path}, không có trong manifest của báo cáo")
    for path in sorted(set(current) & set(recorded)):
        if recorded[path] is not None and current[path] != recorded[path]:
            check.problems.append(
                f"tệp đã thay đổi {path}: sha256 trong manifest {short_sha(recorded[path])}…, "
                f"hiện tại {short_sha(current[path])}…"
            )
    check.summary = f"{len(recorded)} tệp, sha256 khớp manifest"
    return check


def _document_outputs() -> dict[str, tuple[str, ...]]:
    """Files under tables/ or figures/ that the document builders write (not the
    notebooks): compared in step 4, after the documents are rebuilt."""
    return {layout.FIGURES_DIR: (layout.FIGURE_LIST_NAME,)}


def check_cleaning(raw: Path, report: ReportFolder, work: Path, settings: Settings) -> Check:
    """Step 2: the clean stage redone from ``raw`` into ``work``, every processed file
    compared with the report's."""
    from vhcs_analysis.stages import clean

    check = Check("cleaning")
    result = clean(Paths(raw=raw, processed=work, reports=work), settings)
    if result.fatal:
        check.problems += [f"không làm sạch lại được: {m}" for m in result.fatal]
        return check
    problems, count = compare_folders(report.processed, work, label=layout.PROCESSED_DIR)
    check.problems += problems
    _keep_recorded_settings(report.manifest, layout.manifest_path(work))
    check.summary = f"{count} tệp dữ liệu đã làm sạch giống hệt bản dựng lại"
    return check


def _keep_recorded_settings(recorded_manifest: dict, rebuilt: Path) -> None:
    """The rebuilt manifest names verify's temporary copy of the settings; once the values
    are checked equal, the report's own record (its file name and sha256, printed in the
    methods appendix) goes back in, so the documents are rebuilt with the same provenance."""
    record = recorded_manifest.get("settings")
    if not isinstance(record, dict) or not rebuilt.is_file():
        return
    from vhcs_analysis.io.writers import write_bytes_atomic

    manifest = json.loads(rebuilt.read_text("utf-8"))
    manifest["settings"] = {**record, "values": manifest.get("settings", {}).get("values", record.get("values"))}
    write_bytes_atomic((json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), rebuilt)


def check_notebooks(report: ReportFolder, paths: Paths, work: Path, env_extra: dict[str, str]) -> Check:
    """nbval on copies of the report's executed notebooks; the kernel reads the re-cleaned
    data and writes its tables and figures under ``paths.reports``, compared afterwards."""
    from importlib.util import find_spec

    from vhcs_analysis.report.notebooks import kernel_env

    check = Check("notebooks")
    if find_spec("nbval") is None or find_spec("pytest") is None:
        raise VhcsError("thiếu gói nbval/pytest để kiểm tra notebook: cài lại môi trường (make env)")
    folder = paths.notebooks  # where `vhcs report` keeps them (the figure list reads them)
    folder.mkdir(parents=True, exist_ok=True)
    for nb in report.notebooks:
        shutil.copyfile(nb, folder / nb.name)
    config = work / "pytest.ini"
    config.write_text("[pytest]\n", encoding="utf-8")
    junit = work / "nbval.xml"
    env = {**kernel_env(paths), **env_extra, "PYTHONDONTWRITEBYTECODE": "1"}
    for name in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS"):  # the caller's pytest options are not nbval's
        env.pop(name, None)
    done = subprocess.run(nbval_command(folder, junit=junit, config=config), cwd=work, env=env,
                          capture_output=True, text=True)
    if done.returncode not in (0, 1) or not junit.is_file():
        tail = [line for line in (done.stdout + "\n" + done.stderr).splitlines() if line.strip()][-3:]
        check.problems.append(f"nbval không chạy được (mã {done.returncode}): " + " | ".join(tail))
        return check
    cells, problems = parse_junit(junit, [folder / nb.name for nb in report.notebooks])
    check.problems += problems
    if done.returncode == 1 and not problems:
        last = [line for line in done.stdout.splitlines() if line.strip()][-1:]
        check.problems.append("nbval báo lỗi nhưng không chỉ ra ô nào: " + " ".join(last))
    compared = 0
    for sub in (layout.TABLES_DIR, layout.FIGURES_DIR):
        found, n = compare_folders(report.root / sub, paths.reports / sub, label=sub,
                                   skip=_document_outputs().get(sub, ()))
        check.problems += found
        compared += n
    check.summary = (f"{len(report.notebooks)} notebook, {cells} ô khớp kết quả lưu sẵn (nbval nghiêm ngặt); "
                     f"{compared} bảng và hình giống hệt")
    return check


def check_documents(report: ReportFolder, paths: Paths, settings: Settings) -> Check:
    """Step 4: the render stage redone (``stages.render``, ``vhcs report``'s builder), under
    ``settings`` (those the report recorded), and every document the report folder holds
    compared (and any the builder makes that it lacks)."""
    from vhcs_analysis.stages import render

    check = Check("documents")
    try:
        rebuilt = {p.relative_to(paths.reports).as_posix(): p for p in render(paths, settings).documents}
    except VhcsError as exc:
        check.problems.append(f"không dựng lại được tài liệu: {exc}")
        return check
    theirs = {p.relative_to(report.root).as_posix(): p for p in report.documents}
    for sub, names in _document_outputs().items():  # written with the documents (the figure list)
        for name in names:
            if (report.root / sub / name).is_file() or (paths.reports / sub / name).is_file():
                theirs[f"{sub}/{name}"] = report.root / sub / name
                rebuilt[f"{sub}/{name}"] = paths.reports / sub / name
    check.problems += compare_files(theirs, rebuilt,
                                    only_theirs="có trong báo cáo nhưng bộ dựng của `vhcs report` không tạo ra",
                                    only_ours="bộ dựng tạo ra nhưng thư mục báo cáo không có")
    check.summary = f"{len(theirs)} tài liệu giống hệt từng byte ({', '.join(sorted(theirs))})"
    return check
