"""What ``vhcs verify`` concludes: one ``Check`` per step, the ``Verification`` with the
Vietnamese verdict, and the summary file (``--summary``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

MAX_LISTED = 20  # per check: longer lists are cut with "… và N khác"
STEP_TITLES = {
    "inputs": "Tệp đầu vào",
    "cleaning": "Làm sạch",
    "notebooks": "Notebook",
    "documents": "Tài liệu",
}


# ----------------------------------------------------------------------------- results


@dataclass
class Check:
    """One step's outcome: ``ok`` with a one-line summary, or the list of differences."""

    key: str
    summary: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The step's Vietnamese title."""
        return STEP_TITLES[self.key]

    @property
    def ok(self) -> bool:
        """No difference found in this step."""
        return not self.problems


@dataclass
class Verification:
    """Everything ``vhcs verify`` found: the steps' checks, settings that differ, notes."""

    report: Path
    raw: Path
    checks: list[Check] = field(default_factory=list)
    settings_problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Reproduced: the settings and every step agree."""
        return not self.settings_problems and all(c.ok for c in self.checks)

    def verdict_lines(self) -> list[str]:
        """The Vietnamese verdict: "Tái lập đầy đủ" with the checks ticked, or what
        differs and where."""
        lines = []
        if self.ok:
            lines.append("Kết luận: Tái lập đầy đủ.")
            lines += [f"  ✓ {c.title}: {c.summary}" for c in self.checks]
        else:
            count = len(self.settings_problems) + sum(len(c.problems) for c in self.checks)
            lines.append(f"Kết luận: KHÔNG tái lập được ({count} khác biệt).")
            if self.settings_problems:
                lines.append("  ✗ Cấu hình: cấu hình đang dùng khác cấu hình ghi trong manifest của báo cáo")
                lines += [f"      - {p}" for p in self.settings_problems]
            for c in self.checks:
                if c.ok:
                    lines.append(f"  ✓ {c.title}: {c.summary}")
                else:
                    lines.append(f"  ✗ {c.title}:")
                    lines += [f"      - {p}" for p in cut(c.problems)]
            failed = [c for c in self.checks if not c.ok]
            if len(failed) > 1:
                lines.append(f"  Lưu ý: khác biệt ở các bước sau có thể chỉ là hệ quả của khác biệt ở bước đầu tiên "
                             f"({failed[0].title}); hãy xem bước đó trước.")
        lines += [f"  Lưu ý: {n}" for n in self.notes]
        return lines

    def as_dict(self) -> dict:
        """The verdict as data (the ``--summary`` JSON)."""
        return {
            "verdict": "reproduced" if self.ok else "differs",
            "verdict_vi": "Tái lập đầy đủ" if self.ok else "Không tái lập được",
            "report": str(self.report),
            "raw": str(self.raw),
            "settings_problems": self.settings_problems,
            "checks": [{"step": c.key, "title": c.title, "ok": c.ok, "summary": c.summary,
                        "problems": c.problems} for c in self.checks],
            "notes": self.notes,
        }


def cut(items: list[str], limit: int = MAX_LISTED) -> list[str]:
    """At most ``limit`` items, the rest counted in one line."""
    if len(items) <= limit:
        return items
    return [*items[:limit], f"… và {len(items) - limit} khác biệt khác"]


def short_sha(sha: str | None) -> str:
    """The first 12 hex digits of a sha256 ("không có" when absent)."""
    return (sha or "không có")[:12]


def write_summary(result: Verification, path: Path) -> Path:
    """The verdict as JSON (``.json``) or as text (any other suffix)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".json":
        text = json.dumps(result.as_dict(), ensure_ascii=False, indent=1) + "\n"
    else:
        lines = [f"Thư mục báo cáo: {result.report}", f"Dữ liệu thô: {result.raw}", ""]
        lines += result.verdict_lines()
        if not result.ok:
            # the full lists (the console cuts them)
            lines += ["", "Toàn bộ khác biệt:"]
            lines += [f"- Cấu hình: {p}" for p in result.settings_problems]
            lines += [f"- {c.title}: {p}" for c in result.checks for p in c.problems]
        text = "\n".join(lines) + "\n"
    from vhcs_analysis.io.writers import write_bytes_atomic

    return write_bytes_atomic(text.encode("utf-8"), path)
