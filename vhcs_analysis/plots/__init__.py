"""Charts for the review: one theme, one function per chart kind, each returning a Figure.

Every chart function takes a tidy frame with the columns named in docs/report-inputs.md
and returns a ``matplotlib.figure.Figure`` (no pyplot state, nothing shown, nothing
saved). Pilots and the rest are always drawn in the same two colours (``PILOT_COLOR``,
``REST_COLOR``; Okabe–Ito, colour-blind safe) and, for print in black and white, the same two
styles (solid line and circles against dashed line and squares; the rest's bars hatched);
every text is at least 8 pt at the printed size, axes name their unit, percentage axes start
at 0, an indicator's chart says which direction is better ("↑ cao hơn là tốt"), and counts
from inspection rounds of very different size are drawn as shares; labels are Vietnamese and tick labels use
Vietnamese number formatting (1.234,5 · 85%). ``mark_sample`` stamps the sample mark;
``save_figure`` writes byte-identical files.

seaborn draws what it has a function for: the theme (its "ticks" style at "paper" scale
under the project's rcParams), the small multiples with 95% bands or intervals
(``trends_grid``, ``trend_by_group``, ``event_study``: ``seaborn.objects``, bands as
given by ``indicators``, never re-estimated), the grouped bars (``rollout_bars``) and the
annotated matrix (``ranking_transition``). Charts seaborn has no mark for stay in
matplotlib: intervals open to ±inf drawn as arrows (``did_forest``), stacked counts with
in-bar labels, dodged dots with intervals.

Modules: ``theme`` (palette, rcParams, formatters), ``trends`` and ``counts`` (the chart
kinds), ``output`` (sample mark, saving).
"""

from vhcs_analysis.plots.theme import (  # noqa: F401
    OKABE_ITO,
    PILOT_COLOR,
    REST_COLOR,
    ALL_COLOR,
    GROUP_COLORS,
    GROUP_MARKERS,
    GROUP_LINESTYLES,
    GROUP_HATCHES,
    RATING_ORDER,
    RATING_COLORS,
    RATING_HATCHES,
    STATUS_COLORS,
    STATUS_HATCHES,
    MIN_FONT_SIZE,
    PER_PERIOD_NOTE_VI,
    BETTER_VI,
    NO_DATA,
    SAMPLE_GID,
    CM,
    FULL_WIDTH,
    TALL,
    THEME,
    theme,
    apply_theme,
    VietnameseFormatter,
    number_formatter,
    percent_formatter,
    signed_formatter,
    wrap,
    better_vi,
    unit_vi,
    axis_note,
    percent_axis,
)
from vhcs_analysis.plots.trends import (  # noqa: F401
    trend_by_group,
    trends_grid,
    did_forest,
    event_study,
    per_block_bars,
)
from vhcs_analysis.plots.counts import (  # noqa: F401
    criteria_dots,
    rollout_bars,
    completeness_chart,
    rejects_bar,
    ratings_bars,
    ranking_transition,
)
from vhcs_analysis.plots.output import (  # noqa: F401
    mark_sample,
    is_marked,
    sample_marks,
    save_figure,
    png_bytes,
)
