"""The sample mark and byte-identical saving (SVG/PDF/PNG) of figures."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from vhcs_analysis.config import SAMPLE_MARK
from vhcs_analysis.io.writers import atomic_path
from vhcs_analysis.plots.theme import MIN_FONT_SIZE, OKABE_ITO, SAMPLE_GID, theme


_SAVE_METADATA = {
    ".svg": {"Date": None},
    ".pdf": {"CreationDate": None, "ModDate": None},
    ".png": {"Software": None},
}


def mark_sample(fig: Figure, is_sample: bool = True) -> Figure:
    """Stamp ``SAMPLE_MARK`` visibly on a figure built from sample data (no-op otherwise).

    A red banner at the top (the suptitle) and a large faint diagonal watermark; both carry the gid
    ``sample-mark`` so that ``save_figure`` also writes the mark as the SVG title.
    """
    if not is_sample or is_marked(fig):
        return fig
    with theme():
        # as the suptitle, so constrained layout keeps room for it above every title
        fig.suptitle(SAMPLE_MARK, x=0.99, ha="right", fontsize=MIN_FONT_SIZE, color=OKABE_ITO["vermillion"],
                     fontweight="bold", gid=SAMPLE_GID)
        fig.text(0.5, 0.5, "DỮ LIỆU MẪU", ha="center", va="center", rotation=25, fontsize=36,
                 color=OKABE_ITO["vermillion"], alpha=0.12, fontweight="bold", gid=SAMPLE_GID, zorder=10)
    return fig


def is_marked(fig: Figure) -> bool:
    """Whether ``mark_sample`` stamped this figure."""
    return any(t.get_gid() == SAMPLE_GID for t in sample_marks(fig))


def sample_marks(fig: Figure) -> list:
    """The Text artists that carry the sample mark (banner and watermark)."""
    texts = list(fig.texts)
    suptitle = fig._suptitle  # type: ignore[attr-defined] # the artist: matplotlib only returns its text
    if suptitle is not None and suptitle not in texts:
        texts.append(suptitle)
    return [t for t in texts if t.get_gid() == SAMPLE_GID]


def save_figure(fig: Figure, path: str | os.PathLike, *, dpi: float | None = None) -> Path:
    """Write ``fig`` to ``path`` (format from the suffix: .svg, .pdf or .png), byte-identical
    between runs: fixed SVG hash salt, no dates, no software stamp; written atomically.
    ``dpi``: resolution of a PNG (dots per inch at the figure's size; default matplotlib's)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _SAVE_METADATA:
        raise ValueError(f"unsupported figure format: {suffix}")
    metadata: dict[str, str | None] = dict(_SAVE_METADATA[suffix])
    if is_marked(fig) and suffix in (".svg", ".pdf"):
        metadata["Title"] = SAMPLE_MARK
    resolution: dict[str, Any] = {"dpi": dpi} if dpi is not None else {}
    with theme(), atomic_path(path) as tmp, open(tmp, "wb") as out:
        fig.savefig(out, format=suffix[1:], metadata=metadata, **resolution)
    return path


def png_bytes(fig: Figure, dpi: int = 110) -> bytes:
    """The figure as PNG bytes (for inline display in notebooks; nbval does not compare PNG)."""
    buffer = io.BytesIO()
    with theme():
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
