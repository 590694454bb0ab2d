"""The report-scale inputs and the memory timeline of a measured run.

``subset_raw(national, out, units)``: a raw folder with the first ``units`` units of the
national benchmark set (whole provinces, in registry order): ``units.csv`` cut, every
consolidated sheet (Form 01 per period, Form 02 per round) kept to those units' rows,
and the sample marker rewritten for the new file list. 700 units = the first seven
provinces; 6.300 units = the national set itself.

``python -m benchmarks.scale timeline OUT.tsv -- CMD …`` runs ``CMD`` and samples, every
0,5 s, the resident memory of each process of its tree (by command line), so a profile
shows which step and which process holds the memory (``--profile-memory`` of the harness).
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.harness import fresh_dir


def subset_raw(national: Path, out: Path, units: int) -> Path:
    """Write the first ``units`` units of the ``national`` raw folder into ``out`` (see the module text)."""
    from python_calamine import CalamineWorkbook

    from vhcs_analysis import config
    from vhcs_analysis.io.xlsx_write import write_simple_xlsx
    from vhcs_analysis.sample import write_marker

    fresh_dir(out)
    with open(national / "units.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, kept = rows[0], rows[1:units + 1]
    names = {row[header.index("unit_name")] for row in kept}
    with open(out / "units.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *kept])
    for path in sorted(national.rglob("*.xlsx")):
        book = CalamineWorkbook.from_path(str(path))
        sheets = []
        for name in book.sheet_names:
            table = [[None if v == "" else v for v in row] for row in book.get_sheet_by_name(name).to_python()]
            while table and all(v is None for v in table[-1]):
                table.pop()
            body = [i for i, row in enumerate(table) if len(row) > 1 and isinstance(row[0], (int, float))
                    and row[0] == row[0] and not isinstance(row[0], bool)]
            first = body[0] if body else len(table)
            rows_kept = [row for row in (table[i] for i in body) if row[1] in names]
            rows_kept = [[k, *row[1:]] for k, row in enumerate(rows_kept, start=1)]
            total = table[body[-1] + 1:] if body else []
            new = [*table[:first], *rows_kept, *total]
            bold = {1, 3, 6, len(new)}  # as the national writer: title, form, header, total
            sheets.append((name, [[(int(v) if isinstance(v, float) and v.is_integer() else v) for v in row]
                                  for row in new], bold, {2: 48}))
        target = out / path.relative_to(national)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_simple_xlsx(target, sheets)
    write_marker(out, 0, "national")
    assert (out / config.SAMPLE_MARKER_FILE).is_file()
    return out


def _tree(root: int) -> dict[int, tuple[int, str]]:
    """``{pid: (rss KiB, short command)}`` of ``root`` and its descendants."""
    children: dict[int, list[int]] = {}
    info: dict[int, tuple[int, str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            rss = next(int(line.split()[1]) for line in Path(f"/proc/{entry}/status").read_text().splitlines()
                       if line.startswith("VmRSS:"))
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, StopIteration, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        info[int(entry)] = (rss, cmd)
    out, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in info:
            out[pid] = info[pid]
        todo.extend(children.get(pid, []))
    return out


def _kind(cmd: str) -> str:
    if "ipykernel" in cmd:
        return "kernel"
    if " report" in cmd or " verify" in cmd:
        return "vhcs"
    return cmd.split()[0].rsplit("/", 1)[-1] if cmd.strip() else "?"


def timeline(out: Path, argv: list[str]) -> int:
    """Run ``argv``; write ``seconds, total MB, MB per process kind, the last output line`` every 0,5 s to ``out``."""
    log = out.with_suffix(".log")
    with open(log, "wb") as sink:
        proc = subprocess.Popen(argv, stdout=sink, stderr=subprocess.STDOUT)
        start = time.perf_counter()
        with open(out, "w", encoding="utf-8") as fh:
            fh.write("seconds\ttotal_mb\tprocesses\tlast_line\n")
            while proc.poll() is None:
                tree = _tree(proc.pid)
                kinds: dict[str, int] = {}
                for rss, cmd in tree.values():
                    kinds[_kind(cmd)] = kinds.get(_kind(cmd), 0) + rss
                lines = log.read_bytes().decode(errors="replace").strip().splitlines()
                fh.write(f"{time.perf_counter() - start:.1f}\t{sum(kinds.values()) / 1024:.0f}\t"
                         + ",".join(f"{k}={v / 1024:.0f}" for k, v in sorted(kinds.items()))
                         + f"\t{lines[-1][:80] if lines else ''}\n")
                fh.flush()
                time.sleep(0.5)
    return proc.returncode


if __name__ == "__main__":
    if sys.argv[1] == "timeline":
        sys.exit(timeline(Path(sys.argv[2]), sys.argv[sys.argv.index("--") + 1:]))
    if sys.argv[1] == "subset":
        subset_raw(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
