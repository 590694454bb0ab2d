"""The settings a report is verified with: those its manifest recorded, and how the
settings in force differ from them."""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vhcs_analysis.settings import Settings, package_defaults
from vhcs_analysis.verify.summary import short_sha


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key in sorted(value):
            out.update(_flatten(value[key], f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: value}


def _jsonable(value: Any) -> Any:
    """The settings as they read back from JSON (tuples → lists, dates → text)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _key_vi(dotted: str) -> str:
    section, _, rest = dotted.partition(".")
    return f"[{section}] {rest}" if rest else dotted


def settings_differences(recorded: dict, in_force: dict) -> list[str]:
    """Each setting whose value in force differs from the recorded one, in words."""
    a, b = _flatten(_jsonable(recorded)), _flatten(_jsonable(in_force))
    out = []
    for key in sorted(set(a) | set(b)):
        if key not in b:
            out.append(f"{_key_vi(key)}: báo cáo ghi {a[key]!r}, cấu hình đang dùng không có mục này")
        elif key not in a:
            out.append(f"{_key_vi(key)}: cấu hình đang dùng có {b[key]!r}, báo cáo không ghi mục này")
        elif a[key] != b[key]:
            out.append(f"{_key_vi(key)}: báo cáo ghi {a[key]!r}, cấu hình đang dùng {b[key]!r}")
    return out


def default_values() -> dict:
    """The package's default settings as the manifest records them (a fresh copy)."""
    return package_defaults().record()["values"]


def recorded_settings(manifest: dict, in_force: dict) -> tuple[dict, list[str], list[str]]:
    """(settings to verify with, differences from ``in_force`` (the merged settings in
    force), notes). A key the package has removed since (``settings.REMOVED_KEYS``) is
    left out of the settings to verify with, and named in the notes."""
    from vhcs_analysis.settings import REMOVED_KEYS

    record = manifest.get("settings")
    if not isinstance(record, dict) or not isinstance(record.get("values"), dict):
        return default_values(), [], [
            "manifest của báo cáo không ghi cấu hình đã dùng (báo cáo lập trước khi có bản ghi này); "
            "đã kiểm tra lại với cấu hình mặc định của gói, nên không chứng minh được báo cáo dùng cấu hình nào."
        ]
    notes = []
    source = record.get("source")
    notes.append(f"cấu hình theo manifest: tệp {source} (sha256 {short_sha(record.get('sha256'))}…)" if source
                 else "cấu hình theo manifest: cấu hình mặc định của gói")
    values = copy.deepcopy(record["values"])
    for (section, key), now in REMOVED_KEYS.items():
        if isinstance(values.get(section), dict) and key in values[section]:
            old = values[section].pop(key)
            notes.append(f"khóa [{section}] {key} = {old!r} ghi trong manifest đã bỏ (nay là {now}); "
                         "kiểm tra lại không có khóa này")
    return values, settings_differences(record["values"], in_force), notes


def write_settings(values: dict, path: Path) -> Path:
    """The recorded settings as a TOML file (``VHCS_CONFIG`` of the notebook kernels)."""
    import tomli_w

    def drop_none(v):
        if isinstance(v, dict):
            return {k: drop_none(x) for k, x in v.items() if x is not None}
        if isinstance(v, list):
            return [drop_none(x) for x in v]
        return v

    path.write_text(tomli_w.dumps(drop_none(values)), encoding="utf-8")
    return path


@contextlib.contextmanager
def recorded_settings_in_force(values: dict, work: Path) -> Iterator[tuple[Settings, dict[str, str]]]:
    """The recorded ``values`` as the settings every step runs with (``Settings.from_values``,
    checked as a file is), and the environment the notebook kernels need to load the same
    ones (``review.setup`` reads ``VHCS_CONFIG``: the values written to a TOML file in
    ``work``). The one place verify turns recorded values into settings."""
    settings_file = write_settings(values, work / "cau-hinh-theo-bao-cao.toml")
    yield (Settings.from_values(values, name="(cấu hình ghi trong manifest.json của báo cáo)"),
           {"VHCS_CONFIG": str(settings_file)})
