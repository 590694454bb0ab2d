"""The glue the notebooks call, so that a notebook holds narrative and one call per cell.

``setup()`` fixes display options and the plot theme and loads the processed tables
(``load``); the section functions compute the result tables of docs/report-inputs.md
(pure: data in, DataFrame out, calling ``indicators``, ``compare`` and ``ranking``);
``publish_table`` / ``publish_figure`` / ``update_key_numbers`` write the report inputs
into ``config.get_paths().reports`` and show a Vietnamese view inline. ``*_text``
functions return Markdown whose numbers come from the data, so the prose stays true on
any raw folder. Nothing here prints a path.

Modules, in the order of the notebooks: ``base`` (data, panel, helpers), ``labels``,
``output``; then one per section: ``quality`` (01), ``rollout`` (02), ``pilots`` (03),
``inspections`` (04), ``proposal`` (05). Everything public is importable from here.
"""

from vhcs_analysis.labels import (  # noqa: F401
    REASON_LABELS_VI,
    FINDING_LABELS_VI,
    CRITERIA_VI,
    STATUS_VI,
    KIND_VI,
    FILE_STATUSES,
    COLUMN_LABELS_VI,
    HIDDEN_WITH,
    method_vi,
    COMPLETENESS_STATUS,
)
from vhcs_analysis.review.base import (  # noqa: F401
    PROCESSED_TABLES,
    GROUPS,
    SEED,
    ReviewData,
    load,
    setup,
    ensure_cleaned,
    NoCleanDataError,
    period_vi,
    markdown,
    panel,
    indicator_meta,
    percent_indicators,
)
from vhcs_analysis.review.output import (  # noqa: F401
    save_table,
    save_report_figure,
    display_frame,
    publish_table,
    publish_figure,
    key_numbers_header,
    write_key_numbers,
    update_key_numbers,
    sample_notice,
)
from vhcs_analysis.review.quality import (  # noqa: F401
    dq_files,
    dq_skipped_files,
    dq_rejects_by_reason,
    dq_findings,
    data_quality_numbers,
    data_quality_text,
    completeness,
    completeness_units,
    completeness_text,
    field_completeness,
)
from vhcs_analysis.review.rollout import (  # noqa: F401
    rollout,
    rollout_at,
    on_time_rate,
    trend_of,
    indicators_by_goal,
    rollout_numbers,
    rollout_text,
)
from vhcs_analysis.review.pilots import (  # noqa: F401
    compared_indicators,
    trends,
    pilot_effects,
    pilot_effects_text,
    forest_rows,
    adoption,
    event_study,
    per_block,
    per_block_of,
    level_gap,
    pilot_effect_numbers,
    level_gap_text,
    index_sensitivity,
    placebo,
    placebo_text,
)
from vhcs_analysis.review.inspections import (  # noqa: F401
    inspection_criteria,
    inspection_ratings,
    inspection_numbers,
    inspection_text,
)
from vhcs_analysis.review.proposal import (  # noqa: F401
    ranking_year,
    ranking_proposal,
    ranking_transition,
    level_names,
    good_practices,
    ranking_numbers,
    ranking_text,
    good_practices_text,
    commended,
    commended_text,
)
