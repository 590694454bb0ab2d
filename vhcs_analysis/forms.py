"""The paper forms' fixed structure, shared by the blank templates and the sample.

Form 01's indicator groups follow the resolution's task groups; Form 02's ten criteria
are those of the national office-culture rules (Quyết định 129/2007/QĐ-TTg), in the
order c01..c10 of ``tables.CRITERIA``. Label wordings per form version are data, in
``maps/form01_labels.csv`` and ``maps/form02_labels.csv``.
"""

from __future__ import annotations

# Group rows of the per-unit form, after the resolution's task groups.
FORM01_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("I.", "Học tập, quán triệt Nghị quyết", (
        "staff_total", "party_members", "staff_studied", "action_programme", "action_programme_date")),
    ("II.", "Bài trí công sở, cải cách hành chính", (
        "office_layout_done", "dossiers_received", "dossiers_on_time", "dossiers_late", "satisfaction_rate")),
    ("III.", "Kỷ luật, kỷ cương, ứng xử", ("complaints_conduct", "discipline_violations", "staff_rated_good")),
    ("IV.", "Kiểm tra, giám sát, nhân rộng cách làm hay", ("internal_inspections", "good_practices")),
)
# Form 02 criteria c01..c10 (Quyết định 129/2007/QĐ-TTg), as DOMAIN.md words them.
CRITERIA_LABELS: tuple[str, ...] = (
    "Trang phục",
    "Đeo thẻ công chức",
    "Chấp hành giờ làm việc",
    "Giao tiếp, ứng xử với nhân dân",
    "Giao tiếp, ứng xử với đồng nghiệp",
    "Bài trí công sở: Quốc huy, Quốc kỳ, biển tên cơ quan",
    "Phòng làm việc, biển tên phòng",
    "Không hút thuốc, không uống rượu bia trong giờ làm việc",
    "Niêm yết công khai thủ tục hành chính, hòm thư góp ý, đường dây nóng",
    "Bộ phận tiếp nhận và trả kết quả (một cửa)",
)
