"""A straightforward reader of the same raw files, as it is usually written first: the
yardstick that ``vhcs clean`` is compared with.

It is what a competent analyst writes in an afternoon, without the package: every
workbook through ``pandas.read_excel(engine="openpyxl", sheet_name=None)``, CSVs through
``pandas.read_csv``, the header row found by its labels (the same label maps the package
uses), then row by row in Python: Vietnamese numbers ("1.234", "12,5", "85,5%"),
dates ("15/06/2017", Excel dates) and Có/Không parsed with simple loops; one Parquet file
per layout at the end; unit names looked up in ``units.csv`` by exact lower-case name or
alias. It does *less* than ``vhcs clean`` (no legacy-encoding repair, no
fuzzy name matching, no validation, no rejects or manifest), so the measured ratio
understates the package's advantage rather than overstating it. Files openpyxl cannot
open (``.xls``, HTML saved as ``.xls``) are skipped and counted.

``python -m benchmarks.baseline --raw DIR --out DIR``
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import time
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd

MAPS = Path(__file__).resolve().parents[1] / "vhcs_analysis" / "maps"
DATE_FIELDS = {"action_programme_date", "report_date", "inspection_date"}
BOOL_FIELDS = {"action_programme", "office_layout_done"}
TEXT_FIELDS = {"unit_name", "label", "uom", "note", "kind", "rating", "stt", "category", "_criteria"}
TOTAL_WORDS = ("tổng cộng", "cộng", "tổng số")


def norm(text) -> str:
    """Lower-case NFC text with single spaces, for comparing labels."""
    return " ".join(unicodedata.normalize("NFC", str(text)).lower().split())


def load_labels() -> dict[str, str]:
    """label (normalised) -> field, from every label map shipped with the package."""
    labels: dict[str, str] = {}
    for path in sorted(MAPS.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if row.get("label") and row.get("field"):
                    labels.setdefault(norm(row["label"]), row["field"])
    return labels


def parse_number(value):
    """Vietnamese number text -> float; None for blank, "-", "x"; ValueError for garbage."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        return None if value != value else float(value)  # NaN from pandas is blank
    text = str(value).strip()
    if text in ("", "-", "x", "X", "nan"):
        return None
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    digits = ""
    for i, ch in enumerate(text):
        if ch.isdigit() or (ch in "+-" and i == 0):
            digits += ch
        elif ch == ".":
            # "1.234" is a thousands separator; "0.855" typed the English way is a decimal point
            tail = text[i + 1:]
            if len(tail) >= 3 and tail[:3].isdigit() and (len(tail) == 3 or not tail[3].isdigit()):
                continue
            digits += "."
        elif ch == ",":
            digits += "."
        elif ch == " ":
            continue
        else:
            raise ValueError(value)
    number = float(digits)
    return number if not percent else number  # percent sign dropped: 85,5% -> 85.5


def parse_date(value):
    """dd/mm/yyyy (also with '-'), Excel dates and serial numbers -> datetime.date."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)):
        return (dt.datetime(1899, 12, 30) + dt.timedelta(days=float(value))).date()
    text = str(value).strip()
    if not text:
        return None
    parts = []
    current = ""
    for ch in text:
        if ch.isdigit():
            current += ch
        elif current:
            parts.append(current)
            current = ""
    if current:
        parts.append(current)
    if len(parts) < 3:
        raise ValueError(value)
    day, month, year = int(parts[0]), int(parts[1]), int(parts[2])
    return dt.date(year, month, day)


def parse_bool(value):
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = norm(value)
    if text in ("có", "x", "c", "1", "true"):
        return True
    if text in ("không", "k", "0", "false"):
        return False
    if text in ("", "-"):
        return None
    raise ValueError(value)


def parse_field(field: str, value):
    if field in DATE_FIELDS:
        return parse_date(value)
    if field in BOOL_FIELDS:
        return parse_bool(value)
    if field in TEXT_FIELDS:
        return None if value is None or (isinstance(value, float) and value != value) else str(value).strip()
    return parse_number(value)


def read_file(path: Path) -> dict[str, pd.DataFrame]:
    """All sheets of a workbook (openpyxl) or the one table of a CSV, without headers."""
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"PK"):
        return pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
    if path.suffix.lower() == ".csv":
        for encoding in ("utf-8-sig", "cp1258"):
            try:
                return {path.stem: pd.read_csv(path, header=None, dtype=str, encoding=encoding,
                                               keep_default_na=False)}
            except UnicodeDecodeError:
                continue
    raise ValueError("not readable with openpyxl")


def header_row(rows: list[list], labels: dict[str, str]) -> tuple[int, dict[int, str]] | None:
    """The first row where at least two cells are known labels, and its column -> field."""
    for i, row in enumerate(rows[:40]):
        fields = {}
        for j, cell in enumerate(row):
            if cell is None or (isinstance(cell, float) and cell != cell):
                continue
            field = labels.get(norm(cell))
            if field:
                fields[j] = field
        if len(fields) >= 2:
            # a second header row (criteria under a merged "Tiêu chí" cell) fills the gaps
            if i + 1 < len(rows):
                for j, cell in enumerate(rows[i + 1]):
                    if j not in fields and isinstance(cell, str) and labels.get(norm(cell)):
                        fields[j] = labels[norm(cell)]
            return i, fields
    return None


def read_table(rows, start: int, fields: dict[int, str], source: str, sheet: str, out: list, errors: list) -> None:
    """One record per data row under the header: stop at a total row, skip blank rows."""
    for r in range(start, len(rows)):
        row = rows[r]
        cells = [c for c in row if c is not None and not (isinstance(c, float) and c != c) and str(c).strip()]
        if not cells:
            continue
        first = norm(cells[0])
        if any(first.startswith(w) for w in TOTAL_WORDS):
            break
        if first.startswith("(") or first in ("i.", "ii.", "iii.", "a.", "b."):
            continue  # column-number row "(1) (2) …", group rows
        record = {"source_file": source, "sheet": sheet, "row": r + 1}
        for j, field in fields.items():
            value = row[j] if j < len(row) else None
            try:
                record[field] = parse_field(field, value)
            except (ValueError, OverflowError):
                record[field] = None
                errors.append({"source_file": source, "sheet": sheet, "row": r + 1, "field": field,
                               "value": str(value)})
        out.append(record)


def read_unit_form(rows, start: int, fields: dict[int, str], labels, source, sheet, out, errors) -> None:
    """A vertical per-unit form: label in the "Chỉ tiêu" column, value in "Số liệu"."""
    label_col = next((j for j, f in fields.items() if f == "label"), 1)
    value_col = next((j for j, f in fields.items() if f == "value"), 3)
    record = {"source_file": source, "sheet": sheet}
    for row in rows[:start]:
        for cell in row:
            if isinstance(cell, str) and norm(cell).startswith("kỳ báo cáo"):
                record["period_text"] = cell.split(":", 1)[-1].strip()
    for r in range(start + 1, len(rows)):
        row = rows[r]
        label = row[label_col] if label_col < len(row) else None
        if not isinstance(label, str):
            continue
        field = labels.get(norm(label))
        if not field:
            continue
        value = row[value_col] if value_col < len(row) else None
        try:
            record[field] = parse_field(field, value)
        except (ValueError, OverflowError):
            errors.append({"source_file": source, "sheet": sheet, "row": r + 1, "field": field,
                           "value": str(value)})
    out.append(record)


def read_registry(path: Path) -> dict[str, str]:
    """units.csv -> {lower-case name or alias: unit_id}, for a plain dictionary lookup."""
    units = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    names: dict[str, str] = {}
    for _, unit in units.iterrows():
        names[norm(unit["unit_name"])] = unit["unit_id"]
        for alias in str(unit.get("aliases", "")).split(";"):
            if alias.strip():
                names.setdefault(norm(alias), unit["unit_id"])
    return names


def run(raw: Path, out: Path) -> dict:
    labels = load_labels()
    registry_file = raw / "units.csv"
    names = read_registry(registry_file) if registry_file.is_file() else {}
    tables: list[dict] = []
    forms: list[dict] = []
    errors: list[dict] = []
    skipped: list[str] = []
    read_seconds = 0.0  # inside pandas.read_excel / read_csv: the reading alone
    for path in sorted(p for p in raw.rglob("*") if p.is_file() and p != registry_file):
        source = str(path.relative_to(raw))
        started = time.perf_counter()
        try:
            frames = read_file(path)
        except (ValueError, OSError, zipfile.BadZipFile, KeyError) as exc:
            skipped.append(f"{source}: {exc}")
            continue
        finally:
            read_seconds += time.perf_counter() - started
        for sheet, frame in frames.items():
            rows = frame.astype(object).where(frame.notna(), None).values.tolist()
            found = header_row(rows, labels)
            if found is None:
                continue
            start, fields = found
            if "label" in fields.values() and "value" in fields.values():
                read_unit_form(rows, start, fields, labels, source, sheet, forms, errors)
            else:
                read_table(rows, start + 1, fields, source, sheet, tables, errors)
    unresolved = 0
    for record in tables:
        name = record.get("unit_name")
        record["unit_id"] = names.get(norm(name)) if name else None
        unresolved += bool(name) and record["unit_id"] is None
    out.mkdir(parents=True, exist_ok=True)
    for name, records in (("tables", tables), ("unit_forms", forms), ("errors", errors)):
        frame = pd.DataFrame(records)
        for col in frame.columns:
            if frame[col].dtype == object:
                frame[col] = frame[col].map(lambda v: None if v is None else str(v))
        frame.to_parquet(out / f"{name}.parquet", index=False)
    summary = {"registry_units": len(set(names.values())), "table_rows": len(tables),
               "unresolved_names": unresolved, "unit_forms": len(forms), "parse_errors": len(errors),
               "skipped_files": len(skipped), "read_seconds": round(read_seconds, 3), "skipped": skipped[:20]}
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), "utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.baseline", description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    summary = run(args.raw, args.out)
    print(json.dumps({k: v for k, v in summary.items() if k != "skipped"}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
