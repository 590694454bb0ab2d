"""Vietnamese labels of codes shown to users by the review, the report and the commands
(reasons, findings, criteria, statuses, file kinds, columns): the one place they are defined."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from vhcs_analysis import fmt
from vhcs_analysis.periods import Period

if TYPE_CHECKING:
    import pandas as pd


REASON_LABELS_VI = {
    "unknown_unit": "Tên đơn vị không có trong danh mục",
    "ambiguous_unit": "Tên đơn vị khớp nhiều đơn vị",
    "invalid_number": "Số không đọc được",
    "invalid_rate": "Tỷ lệ không hợp lệ",
    "invalid_date": "Ngày không hợp lệ",
    "invalid_period": "Kỳ báo cáo không đọc được",
    "invalid_bool": "Giá trị Có/Không không đọc được",
    "missing_required": "Thiếu trường bắt buộc",
    "negative_count": "Số đếm âm",
    "out_of_range": "Giá trị ngoài khoảng cho phép",
    "studied_gt_staff": "Số đã học tập lớn hơn tổng số cán bộ",
    "count_gt_staff": "Số người lớn hơn tổng số cán bộ",
    "count_gt_total": "Số đếm lớn hơn tổng của nó",
    "percent_not_count": "Ghi tỷ lệ thay vì số người",
    "fraction_total_mismatch": "Phân số ghi khác tổng số phòng, ban",
    "dossiers_inconsistent": "Số hồ sơ không khớp nhau",
    "date_before_resolution": "Ngày trước khi ban hành Nghị quyết",
    "score_out_of_range": "Điểm tiêu chí ngoài thang 0–10",
    "unknown_label": "Chỉ tiêu không nhận ra",
    "unknown_category": "Không nhận ra xếp loại",
    "superseded": "Đã có báo cáo gửi sau thay thế",
    "duplicate": "Trùng lặp",
    "unreadable_row": "Dòng không đọc được",
    "formula_not_calculated": "Công thức chưa được tính",
    "unreadable_file": "Tệp không đọc được",  # a whole file (correction workbooks only)
}

# What a unit is asked to enter instead (the correction workbooks, ``corrections.py``).
REASON_FIX_VI = {
    "unknown_unit": "Ghi đúng tên đơn vị như trong danh mục đơn vị của Đảng ủy Khối (không viết tắt)",
    "ambiguous_unit": "Ghi đầy đủ tên đơn vị như trong danh mục để phân biệt với đơn vị có tên gần giống",
    "invalid_number": "Một số nguyên, chỉ gồm chữ số (ví dụ 80), không kèm chữ hay ghi chú; bỏ trống nếu không có",
    "invalid_rate": "Tỷ lệ phần trăm từ 0 đến 100 (ví dụ 85,5), không kèm chữ",
    "invalid_date": "Ngày theo dạng ngày/tháng/năm (ví dụ 15/06/2017)",
    "invalid_period": (f"Kỳ báo cáo theo mẫu, ví dụ 'Kỳ báo cáo: {Period(2017, 'H', 1).form_words}' "
                       "(hoặc năm, đợt kiểm tra)"),
    "invalid_bool": "'Có' hoặc 'Không'",
    "missing_required": "Điền số liệu hoặc nội dung bắt buộc còn trống",
    "negative_count": "Một số không âm (0 nếu không có)",
    "out_of_range": "Giá trị trong khoảng cho phép của chỉ tiêu (xem hướng dẫn của biểu)",
    "studied_gt_staff": "Số đã học tập không lớn hơn tổng số cán bộ; kiểm tra lại cả hai ô",
    "count_gt_staff": "Số người không lớn hơn tổng số cán bộ; kiểm tra lại cả hai ô",
    "dossiers_inconsistent": "Số hồ sơ đúng hạn cộng quá hạn khớp với số hồ sơ tiếp nhận; kiểm tra lại các ô hồ sơ",
    "date_before_resolution": "Ngày ban hành thật (từ 10/10/2016 trở đi); kiểm tra năm đã ghi",
    "score_out_of_range": "Điểm mỗi tiêu chí từ 0 đến 10, tổng điểm từ 0 đến 100",
    "unknown_label": "Giữ nguyên tên chỉ tiêu hoặc tên cột như biểu mẫu; chuyển nội dung thêm vào cột Ghi chú",
    "unknown_category": "Một mức xếp loại theo quy định (ví dụ 'Hoàn thành tốt nhiệm vụ')",
    "duplicate": "Mỗi đơn vị chỉ một dòng trong một đợt hoặc một năm; xóa dòng trùng hoặc sửa tên đơn vị",
    "unreadable_row": "Nhập lại dòng này theo đúng biểu mẫu",
    "formula_not_calculated": "Mở tệp bằng Excel hoặc LibreOffice, lưu lại để công thức được tính rồi gửi lại",
    "unreadable_file": "Gửi lại biểu mẫu Excel (.xlsx) đúng mẫu, không đặt mật khẩu, không nén",
}

FINDING_LABELS_VI = {
    "total_mismatch": "Tổng điểm ghi trên biểu khác tổng các tiêu chí",
    "rating_mismatch": "Xếp loại ghi trên biểu khác xếp loại theo điểm",
    "fuzzy_match": "Tên đơn vị khớp gần đúng (đã chấp nhận, cần soát lại)",
    "total_row_mismatch": "Dòng tổng cộng khác tổng các dòng",
    "count_from_other_shape": "Số ghi dạng tỷ lệ hoặc phân số, đã quy ra số đếm",
}


def reason_vi(code: str) -> str:
    """A reject reason code in Vietnamese (``REASON_LABELS_VI``; the code itself only if it
    has no label), as the commands print it: the code stays in ``rejects.csv``."""
    return REASON_LABELS_VI.get(code, code)


def finding_vi(code: str) -> str:
    """A finding code in Vietnamese (``FINDING_LABELS_VI``; the code itself only if it has
    no label), as the commands print it."""
    return FINDING_LABELS_VI.get(code, code)

CRITERIA_VI = {
    "c01": "Trang phục",
    "c02": "Đeo thẻ công chức",
    "c03": "Chấp hành giờ làm việc",
    "c04": "Giao tiếp, ứng xử với nhân dân",
    "c05": "Giao tiếp, ứng xử với đồng nghiệp",
    "c06": "Quốc huy, Quốc kỳ, biển tên cơ quan",
    "c07": "Phòng làm việc, biển tên phòng",
    "c08": "Không hút thuốc, rượu bia trong giờ làm việc",
    "c09": "Niêm yết TTHC, hòm thư góp ý, đường dây nóng",
    "c10": "Bộ phận một cửa",
}

# Whether a unit's report for a period came in (completeness tables).
REPORT_STATUS_VI = {"on_time": "đúng hạn", "late": "muộn", "missing": "không báo cáo", "undated": "không rõ ngày"}
# The same, as a chart's legend (starts with a capital).
REPORT_STATUS_CELL_VI = {code: label.capitalize() for code, label in REPORT_STATUS_VI.items()}
# What the cleaning did with a raw file (manifest.json, dq_files).
FILE_STATUS_VI = {"used": "đã dùng", "skipped": "bỏ qua", "unreadable": "không đọc được"}
FILE_STATUSES = tuple(FILE_STATUS_VI)
# The file status as a cell of the PDF's tables (starts with a capital).
FILE_STATUS_CELL_VI = {code: label.capitalize() for code, label in FILE_STATUS_VI.items()}
# Any ``status`` column of the review's tables (report or file status).
STATUS_VI = REPORT_STATUS_VI | FILE_STATUS_VI
# ranking_proposal.csv status -> what the unit's scorecard says after the proposed level.
PROPOSAL_STATUS_VI = {"proposed": "đề xuất", "review": "cần xem xét: điểm sát ngưỡng, không tự động đổi mức",
                      "unchanged": "giữ nguyên"}

# What a raw file is (io.recognise kinds), in three lengths: in the review's tables, in the
# console lines of ``vhcs clean``/``vhcs validate`` (with the form's code), and in the PDF's
# list of files (short).
KIND_VI = {
    "units": "Danh mục đơn vị",
    "form01_unit": "Biểu 01 (từng đơn vị)",
    "form01_consolidated": "Biểu 01 (bảng tổng hợp)",
    "form02": "Biểu 02 (kiểm tra, giám sát)",
    "rankings": "Kết quả xếp loại",
    "sample_marker": "Tệp đánh dấu dữ liệu mẫu",
    "unknown": "Không nhận ra",
}
KIND_LONG_VI = {
    "units": "danh mục đơn vị",
    "form01_unit": "Biểu 01-VHCS (từng đơn vị)",
    "form01_consolidated": "Biểu 01-VHCS (bảng tổng hợp)",
    "form02": "Biểu 02-VHCS (kết quả kiểm tra, giám sát)",
    "rankings": "xếp loại tổ chức cơ sở đảng",
    "sample_marker": "dấu hiệu dữ liệu mẫu",
}
KIND_SHORT_VI = {"units": "Danh mục", "form01_unit": "Biểu 01", "form01_consolidated": "Biểu 01 tổng hợp",
                 "form02": "Biểu 02", "rankings": "Xếp loại", "sample_marker": "Đánh dấu mẫu",
                 "unknown": "Không nhận ra"}

# The groups compared in the review (tables, charts).
GROUP_VI = {"pilot": "Đơn vị điểm", "rest": "Các đơn vị còn lại", "all": "Toàn khối"}

# The review's kind (settings [review] kind): an interim or a final review.
REVIEW_KIND_VI = {"so-ket": "sơ kết", "tong-ket": "tổng kết"}

COLUMN_LABELS_VI = {
    "kind": "Loại tệp", "status": "Trạng thái", "n_files": "Số tệp", "rows_read": "Dòng đọc",
    "rows_kept": "Dòng giữ", "rows_rejected": "Dòng loại", "source_file": "Tệp", "reason": "Lý do",
    "reason_code": "Mã lý do", "reason_vi": "Lý do", "n_rows": "Số dòng",
    "finding_code": "Mã phát hiện", "finding_vi": "Phát hiện",
    "period": "Kỳ", "n_expected": "Phải nộp", "n_on_time": "Đúng hạn", "n_late": "Muộn",
    "n_missing": "Không nộp", "unit_id": "Mã đơn vị", "unit_name": "Đơn vị", "block": "Khối",
    "is_pilot": "Đơn vị điểm", "group": "Nhóm", "measure_vi": "Nội dung", "value": "Giá trị",
    "n_units": "Số đơn vị", "dossiers_on_time": "Hồ sơ đúng hạn", "dossiers_late": "Hồ sơ quá hạn",
    "on_time_rate": "Tỷ lệ đúng hạn (%)", "indicator_vi": "Chỉ tiêu", "goal": "Mục tiêu",
    "task_group": "Nhóm nhiệm vụ", "baseline_mean": "Kỳ gốc", "post_mean": "Kỳ cuối",
    "change": "Thay đổi", "ci_low": "KTC 95% dưới", "ci_high": "KTC 95% trên",
    "ci_adj_low": "KTC hiệu chỉnh dưới", "ci_adj_high": "KTC hiệu chỉnh trên", "mean": "Trung bình",
    "estimate": "Ước lượng", "p_value": "p", "p_holm": "p (Holm)", "p_bh": "p (BH)",
    "n_pilot": "Số đơn vị điểm", "n_rest": "Số đơn vị khác", "pilot_change": "Thay đổi của đơn vị điểm",
    "rest_change": "Thay đổi của đơn vị khác", "difference": "Chênh lệch", "pilot_mean": "Đơn vị điểm",
    "rest_mean": "Còn lại", "gap": "Chênh lệch", "criterion": "Tiêu chí", "criterion_vi": "Nội dung",
    "mean_score": "Điểm TB", "n_inspections": "Lượt kiểm tra", "round_id": "Đợt", "rating": "Xếp loại",
    "year": "Năm", "level_current": "Mức hiện hành", "level_proposed": "Mức đề xuất",
    "culture_score": "Điểm VHCS", "n_blocks": "Số khối", "n_undated": "Không rõ ngày",
    "indicator": "Mã chỉ tiêu", "category_current": "Xếp loại hiện hành", "category_proposed": "Xếp loại đề xuất",
    "category_current_written": "Xếp loại hiện hành (nguyên văn trong tệp xếp loại)",
    "culture_level": "Mức VHCS", "baseline_value": "Kỳ gốc", "post_value": "Kỳ cuối",
    "excess": "Vượt trung vị của các đơn vị khác", "method": "Phương pháp",
    # processed rejects and findings (rejects.xlsx, findings.xlsx) and other report-table columns (bang-so-lieu.xlsx)
    "sheet": "Trang tính", "row": "Dòng", "column": "Cột", "message": "Thông báo", "problem_count": "Số vấn đề",
    "reason_codes": "Mọi mã lý do", "left_out": "Thành phần bỏ ra", "verdict": "Mã kết luận",
    "measure": "Mã nội dung",
    # the verdict table (pilot_effects) and the composite's sensitivity: the two methods of
    # docs/statistics.md under the names notebook 03 gives them
    "direction": "Chiều tốt",
    "did_estimate": "Chênh lệch thay đổi", "did_ci_low": "Chênh lệch thay đổi: KTC 95% dưới",
    "did_ci_high": "Chênh lệch thay đổi: KTC 95% trên", "did_p": "Chênh lệch thay đổi: p",
    "adj_estimate": "Điều chỉnh theo kỳ gốc", "adj_ci_low": "Điều chỉnh theo kỳ gốc: KTC 95% dưới",
    "adj_ci_high": "Điều chỉnh theo kỳ gốc: KTC 95% trên", "adj_p": "Điều chỉnh theo kỳ gốc: p",
    "mde": "Chênh lệch nhỏ nhất phát hiện được", "lobo_min": "Bỏ từng khối: nhỏ nhất",
    "lobo_max": "Bỏ từng khối: lớn nhất", "sensitivity_gamma": "Độ nhạy Γ", "verdict_vi": "Kết luận",
    "left_out_vi": "Thành phần bỏ ra",
    # adoption of the one-time steps (%)
    "pilot_baseline": "Đơn vị điểm, kỳ gốc (%)", "rest_baseline": "Đơn vị khác, kỳ gốc (%)",
    "pilot_post": "Đơn vị điểm, kỳ cuối (%)", "rest_post": "Đơn vị khác, kỳ cuối (%)",
    "rest_reached_90": "Kỳ đơn vị khác đạt 90%", "n_missing_post": "Số đơn vị chưa làm (kỳ cuối)",
    "missing_units": "Đơn vị chưa làm (kỳ cuối)",
    # ranking proposal and good practices
    "culture_se": "Sai số điểm VHCS", "report_index": "Chỉ số từ báo cáo (tham khảo)",
    "margin": "Cách ngưỡng gần nhất (điểm)", "reference_change": "Trung vị thay đổi của các đơn vị khác",
    "denominator": "Mẫu số", "baseline_count": "Số đếm kỳ gốc", "post_count": "Số đếm kỳ cuối",
    "evidence": "q (BH)",
    # per-field completeness and commendations (issue 28)
    "field_vi": "Chỉ tiêu", "n_reports": "Số báo cáo", "n_with_value": "Có số liệu", "share": "Tỷ lệ có số liệu (%)",
    "commended_collectives": "Tập thể được khen", "commended_individuals": "Cá nhân được khen",
    "staff": "Số CBCCVC", "commended_per_100": "Lượt trên 100 CBCCVC",
}
# A column code that means something else in one report table, or has a label only there
# (bang-so-lieu.xlsx).
TABLE_COLUMN_LABELS_VI = {"pilot_effects": {"kind": "Loại chỉ tiêu"}, "level_gap": {"comparable": "So sánh được"},
                          "indicators_by_goal": {"assessment_vi": "Đánh giá"},
                          # the group's pooled rate (all its dossiers); the report prints the mean of units' rates
                          "on_time_rate": {"on_time_rate": "Tỷ lệ đúng hạn tính gộp mọi hồ sơ (%)"}}
# A ``kind`` column of the verdict table: an outcome compared, or a one-time step only shown.
INDICATOR_KIND_VI = {"outcome": "Chỉ tiêu kết quả", "adoption": "Bước làm một lần (không so sánh)"}
# The ``direction`` of an indicator: which way is better.
DIRECTION_VI = {"higher_better": "Cao hơn là tốt", "lower_better": "Thấp hơn là tốt"}

HIDDEN_WITH = {"indicator": "indicator_vi", "measure": "measure_vi", "criterion": "criterion_vi",
               "verdict": "verdict_vi", "left_out": "left_out_vi", "field": "field_vi"}


def method_vi(method: str) -> str:
    """compare's method string in Vietnamese, e.g. 'stratified DiD, exact randomisation
    inference (N=800)' → 'chênh lệch của chênh lệch theo khối; kiểm định hoán vị đủ 800 cách gán'."""
    import re

    text = str(method)
    if text == "insufficient data":
        return "không đủ số liệu"
    what = ("chênh lệch của chênh lệch theo khối" if text.startswith("stratified DiD")
            else "chênh lệch mức theo khối" if text.startswith("stratified level gap") else text.split(",")[0])
    exact = re.search(r"exact randomisation inference \(N=(\d+)\)", text)
    mc = re.search(r"Monte Carlo randomisation inference \(R=(\d+) of N=(\d+)\)", text)
    if exact:
        return f"{what}; kiểm định hoán vị đủ {fmt.number(int(exact.group(1)))} cách gán"
    if mc:
        return (f"{what}; kiểm định hoán vị {fmt.number(int(mc.group(1)))} lần rút ngẫu nhiên trong "
                f"{fmt.number(int(mc.group(2)))} cách gán")
    return text


# The completeness table's Vietnamese status back to its code.
COMPLETENESS_STATUS = {label: code for code, label in REPORT_STATUS_VI.items()}


# The report's recipients (Nơi nhận), one line each, as the PDF and the Word draft print them.
RECIPIENTS_VI = ("Thường trực Tỉnh ủy (để báo cáo),", "Các đồng chí Ủy viên Ban Chấp hành Đảng bộ Khối,",
                 "Các tổ chức cơ sở đảng trực thuộc,", "Lưu Văn phòng Đảng ủy Khối.")


# ------------------------------------------------------------ the report tables' workbook
# bang-so-lieu.xlsx: each report table (``tables/NAME.csv``, the machine contract, keeps its
# code name) as a sheet with a Vietnamese name (Excel: at most 31 characters, none of
# []:*?/\, unique) and what it holds, in the workbook's order; the first sheet lists them
# all with their CSV's name, so the office and the analysts can name the same table.
# ``don_vi_diem`` is the pilots' full list the report builder adds (no CSV).
TABLES_INDEX_SHEET_VI = "Mục lục"
TABLE_SHEETS_VI: dict[str, tuple[str, str]] = {
    "pilot_effects": ("Kết luận đơn vị điểm", "Kết luận từng chỉ tiêu: đơn vị điểm chuyển biến khác các đơn vị còn "
                      "lại hay không (bảng tóm tắt cho lãnh đạo), với hai cách ước lượng và độ tin cậy"),
    "don_vi_diem": ("Danh sách đơn vị điểm", "Từng đơn vị làm điểm so với các đơn vị khác cùng khối (danh sách đầy "
                    "đủ mà báo cáo chỉ tóm tắt; không có tệp CSV)"),
    "indicators_by_goal": ("Chỉ tiêu theo mục tiêu", "Từng chỉ tiêu theo mục tiêu, nhóm nhiệm vụ của Nghị quyết: "
                           "toàn khối kỳ gốc, kỳ cuối, thay đổi và đánh giá"),
    "trends": ("Diễn biến theo kỳ", "Trung bình từng chỉ tiêu theo kỳ: đơn vị điểm, các đơn vị còn lại"),
    "event_study": ("Chênh lệch từng kỳ", "Chênh lệch giữa đơn vị điểm và các đơn vị còn lại ở từng kỳ, so với "
                    "kỳ gốc"),
    "per_block": ("Thay đổi theo khối", "Thay đổi của đơn vị điểm và của các đơn vị còn lại cùng khối, từng "
                  "chỉ tiêu"),
    "level_gap": ("Chênh lệch mức kỳ gốc", "Chênh lệch mức giữa đơn vị điểm và các đơn vị còn lại cùng khối ở kỳ gốc, "
                  "trên các đơn vị có số liệu cả kỳ gốc và kỳ cuối, bình quân theo khối (như mức kỳ gốc trong báo "
                  "cáo), kèm khoảng tin cậy và p"),
    "index_sensitivity": ("Độ nhạy chỉ số tổng hợp", "Kết luận về chỉ số văn hóa công sở tổng hợp khi bỏ ra "
                          "từng thành phần"),
    "adoption": ("Bước làm một lần", "Các bước chỉ làm một lần: tỷ lệ đơn vị đã làm (chương trình hành động, bài "
                 "trí công sở) hoặc tỷ lệ cán bộ đã làm (kế hoạch, cam kết cá nhân); đơn vị điểm, đơn vị khác ở kỳ "
                 "gốc, kỳ cuối, cùng cách tính với sheet Tiến độ triển khai và báo cáo; đơn vị chưa làm: chưa có "
                 "bước đó, hoặc với tỷ lệ cán bộ, chưa đạt 100%"),
    "rollout": ("Tiến độ triển khai", "Tiến độ học tập, quán triệt và các bước triển khai theo kỳ: đơn vị "
                "điểm, các đơn vị còn lại, toàn khối"),
    "on_time_rate": ("Hồ sơ TTHC đúng hạn", "Hồ sơ thủ tục hành chính giải quyết đúng hạn, quá hạn và tỷ lệ "
                     "đúng hạn theo kỳ: đơn vị điểm, các đơn vị còn lại, toàn khối. Tỷ lệ ở đây tính gộp mọi hồ sơ "
                     "của nhóm (tổng hồ sơ đúng hạn trên tổng hồ sơ); báo cáo in bình quân tỷ lệ của từng đơn vị, "
                     "nên hai số khác nhau"),
    "inspection_criteria": ("Điểm kiểm tra theo tiêu chí", "Điểm trung bình từng tiêu chí kiểm tra, giám sát "
                            "(Biểu 02): đơn vị điểm, các đơn vị còn lại"),
    "inspection_ratings": ("Xếp loại kiểm tra theo đợt", "Số đơn vị theo xếp loại của từng đợt kiểm tra, "
                           "giám sát"),
    "commended": ("Khen thưởng theo khối", "Tập thể, cá nhân được khen thưởng theo khối, số lượt trên 100 "
                  "CBCCVC"),
    "ranking_proposal": ("Đề xuất xếp loại", "Từng đơn vị: xếp loại hiện hành, điểm văn hóa công sở, mức đề "
                         "xuất và trạng thái (đề xuất, cần xem xét, giữ nguyên). Xếp loại hiện hành ghi theo tên "
                         "chuẩn (“HTTNV” là “Hoàn thành tốt nhiệm vụ”); cột nguyên văn giữ cách ghi trong tệp xếp "
                         "loại"),
    "ranking_transition": ("Chuyển mức xếp loại", "Số đơn vị theo mức xếp loại hiện hành và mức theo quy tắc"),
    "good_practices": ("Cách làm hay", "Đơn vị × chỉ tiêu tiến bộ vượt trung vị thay đổi của các đơn vị khác (ứng viên "
                       "cách làm hay)"),
    "completeness": ("Nộp báo cáo theo kỳ", "Số đơn vị phải nộp, nộp đúng hạn, muộn, không rõ ngày, không nộp "
                     "báo cáo, theo kỳ"),
    "completeness_units": ("Đơn vị nộp muộn hoặc thiếu", "Từng đơn vị nộp báo cáo muộn, không ghi ngày hoặc "
                           "không nộp, theo kỳ"),
    "field_completeness": ("Mức đủ số liệu", "Tỷ lệ báo cáo có số liệu của từng chỉ tiêu, theo kỳ"),
    "dq_files": ("Tệp dữ liệu đầu vào", "Tệp dữ liệu thô theo loại và trạng thái: số tệp, dòng đọc, giữ lại, "
                 "bị loại"),
    "dq_skipped_files": ("Tệp bỏ qua", "Tệp không dùng được và lý do"),
    "dq_rejects_by_reason": ("Dòng bị loại theo lý do", "Số dòng bị loại và số tệp có dòng bị loại, theo lý do"),
    "dq_findings": ("Điểm cần soát lại", "Điểm cần soát lại khi làm sạch (dòng vẫn được giữ), theo loại"),
}


def table_sheet_vi(table: str) -> str:
    """The workbook sheet of report table ``table`` (a ``tables/*.csv`` name without
    ``.csv``, or ``don_vi_diem``): its Vietnamese name, the code itself when it has none."""
    return TABLE_SHEETS_VI.get(table, (table, ""))[0]


def table_sheet_quoted(table: str) -> str:
    """``table_sheet_vi`` in quotation marks, as a sentence names the sheet ("trang tính “…”")."""
    return f"“{table_sheet_vi(table)}”"


# Code columns shown in words: the column -> the label tables tried in turn (the first that
# knows every value of the column is used; none: the codes are shown as they are).
CODE_COLUMNS_VI: dict[str, tuple[dict[str, str], ...]] = {
    "kind": (INDICATOR_KIND_VI, KIND_VI), "status": (STATUS_VI, PROPOSAL_STATUS_VI),
    "group": (GROUP_VI,), "direction": (DIRECTION_VI,),
}
# A code column the workbook leaves out beside its Vietnamese twin (the notebooks' views:
# ``HIDDEN_WITH``).
TWIN_COLUMNS_VI = HIDDEN_WITH | {"assessment": "assessment_vi", "reason_code": "reason_vi",
                                 "finding_code": "finding_vi"}


def code_labels(column: str, codes: Iterable) -> dict[str, str] | None:
    """The labels of code column ``column`` (``CODE_COLUMNS_VI``) that know every one of
    ``codes`` (missing values left out by the caller), the first that does; None when no
    table knows them all."""
    known = set(codes)
    return next((table for table in CODE_COLUMNS_VI.get(column, ()) if known <= set(table)), None)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def words_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A report table as the office reads it in the workbook: a code column beside its
    Vietnamese twin (``TWIN_COLUMNS_VI``: indicator, verdict, reason …) left out, groups,
    kinds, directions and statuses in words starting with a capital, periods and inspection
    rounds in words, the comparison method in Vietnamese, booleans "Có"/"Không"; numbers and
    all else unchanged (numbers stay numbers). A new frame; the CSV keeps the codes."""
    import pandas as pd

    from vhcs_analysis.periods import period_vi

    out = {}
    for col in frame.columns:
        if TWIN_COLUMNS_VI.get(col) in frame.columns:
            continue
        values = frame[col]
        present = values.dropna()
        if (table := code_labels(str(col), present)) is not None:
            values = values.map(lambda v, t=table: None if pd.isna(v) else _capital(t[v]))
        elif col == "period":
            values = values.map(lambda v: None if pd.isna(v) else period_vi(v))
        elif col == "round_id":
            values = values.map(lambda v: None if pd.isna(v) else fmt.inspection_round(v))
        elif col == "method":
            values = values.map(lambda v: None if pd.isna(v) else method_vi(v))
        elif len(present) and all(isinstance(v, bool) for v in present.tolist()):
            values = values.map(lambda v: None if pd.isna(v) else ("Có" if v else "Không"))
        out[col] = values
    return pd.DataFrame(out, index=frame.index)
