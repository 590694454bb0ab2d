"""The paper forms' fixed structure, shared by the blank templates and the sample.

Form 01's indicator groups follow the resolution's task groups; Form 02's ten criteria
are those of the national office-culture rules (Quyết định 129/2007/QĐ-TTg), in the
order c01..c10 of ``tables.CRITERIA``. Label wordings per form version are data, in
``maps/form01_labels.csv`` and ``maps/form02_labels.csv``.
"""

from __future__ import annotations

# The header lines every form of the bloc carries (left: the issuing body, right: the party).
BLOC = "ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH HÀ TĨNH"
BLOC_COMMITTEE = "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH HÀ TĨNH"
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
FORM01_CODE = "Biểu số 01-VHCS"
FORM02_CODE = "Biểu số 02-VHCS"

# Group rows of the per-unit form, after the resolution's task groups.
FORM01_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("I.", "Học tập, quán triệt Nghị quyết", (
        "staff_total", "party_members", "staff_studied", "action_programme", "action_programme_date",
        "staff_personal_plan", "departments_total", "departments_with_plan")),
    ("II.", "Bài trí công sở, cải cách hành chính", (
        "office_layout_done", "dossiers_received", "dossiers_on_time", "dossiers_late", "satisfaction_rate")),
    ("III.", "Kỷ luật, kỷ cương, ứng xử", ("complaints_conduct", "discipline_violations", "staff_rated_good")),
    ("IV.", "Kiểm tra, giám sát, nhân rộng cách làm hay", (
        "internal_inspections", "good_practices", "commended_collectives", "commended_individuals")),
)
# Form 02 criteria c01..c10 (Quyết định 129/2007/QĐ-TTg), as docs/domain.md words them.
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

# Form 01 (2018 version): field -> (label as printed, unit), the table of docs/domain.md, in the
# form's reporting order. The 2017 wording and all known variants are in maps/.
FORM01_LABELS_2018: dict[str, tuple[str, str]] = {
    "staff_total": ("Tổng số cán bộ, công chức, viên chức, người lao động", "người"),
    "party_members": ("Số đảng viên", "người"),
    "staff_studied": ("Số CBCCVC đã được học tập, quán triệt Nghị quyết 01", "người"),
    "action_programme": ("Đã xây dựng chương trình hành động", "Có/Không"),
    "action_programme_date": ("Ngày ban hành chương trình hành động", "dd/mm/yyyy"),
    "office_layout_done": ("Hoàn thành bài trí công sở theo quy định", "Có/Không"),
    "dossiers_received": ("Số hồ sơ thủ tục hành chính tiếp nhận trong kỳ", "hồ sơ"),
    "dossiers_on_time": ("Số hồ sơ giải quyết trước hạn và đúng hạn", "hồ sơ"),
    "dossiers_late": ("Số hồ sơ giải quyết quá hạn", "hồ sơ"),
    "satisfaction_rate": ("Tỷ lệ người dân, tổ chức hài lòng", "%"),
    "complaints_conduct": ("Số phản ánh, kiến nghị về thái độ, tác phong cán bộ", "lượt"),
    "discipline_violations": ("Số CBCCVC vi phạm kỷ luật, kỷ cương hành chính", "người"),
    "staff_rated_good": ("Số CBCCVC xếp loại hoàn thành tốt nhiệm vụ trở lên", "người"),
    "internal_inspections": ("Số cuộc tự kiểm tra, giám sát về văn hóa công sở", "cuộc"),
    "good_practices": ("Số mô hình, cách làm hay được nhân rộng", "mô hình"),
    "staff_personal_plan": ("Số CBCCVC đã xây dựng kế hoạch, cam kết cá nhân thực hiện văn hóa công sở", "người"),
    "departments_total": ("Tổng số phòng, ban, đơn vị trực thuộc", "đơn vị"),
    "departments_with_plan": ("Số phòng, ban, đơn vị trực thuộc đã xây dựng kế hoạch cụ thể", "đơn vị"),
    "commended_collectives": ("Số tập thể được biểu dương, khen thưởng vì cách làm hay", "tập thể"),
    "commended_individuals": ("Số cá nhân được biểu dương, khen thưởng vì cách làm hay", "người"),
}
