"""The review as an editable Word draft (``bao-cao-…-nq01.docx``) and the figure pack.

One context feeds both documents: ``context.build_context`` → the Typst PDF
(``template.typ``) and, here, the Word draft. The Word template (``bao-cao-mau.docx``,
made by ``word_template.py``, or the office's own copy named by ``[report]
docx_template``) holds the frame (header block, title, Nơi nhận, signature, page set-up,
styles); this module fills its two docxtpl tags ``{{p summary }}`` and ``{{p body }}``
with headings, paragraphs, Word tables and PNG figures, in the order of the PDF.

All of the mapping from the context to Word lives in this module: ``summary`` and
``body`` below read the context's keys and call ``Draft.table`` / ``Draft.figure``.
A new context field appears in Word by adding a line here. The writing itself (tables,
figures, styles, the figure list) is in ``word_draft.py``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path, PurePath

from vhcs_analysis.errors import VhcsError
from vhcs_analysis.io.writers import write_bytes_atomic
from vhcs_analysis.report import word_template as wt
from vhcs_analysis.report.word_draft import Draft, FigureEntry, cells
from vhcs_analysis.settings import Report


def _review(ctx: dict) -> dict:
    """The review's names (``settings.review_naming`` through the context): kind and window."""
    return ctx.get("review") or {}


SUBJECT = ("ngày 10/10/2016 của Đảng ủy Khối Các cơ quan tỉnh về tăng cường sự lãnh đạo xây dựng văn hóa công sở "
           "đáp ứng yêu cầu phát triển của tỉnh đến năm 2020 và những năm tiếp theo")


def docx_name(pdf_name: str) -> str:
    """The Word draft's file name: the PDF's name with the suffix swapped (one source of names)."""
    return PurePath(pdf_name).with_suffix(".docx").name


def template_path(report: Report) -> Path:
    """``[report] docx_template`` when set (relative to the working folder), else the shipped one."""
    configured = str(report.docx_template or "").strip()
    if not configured:
        return wt.TEMPLATE_PATH
    path = Path(configured).expanduser()
    if not path.is_file():
        raise VhcsError(f"[report] docx_template: không thấy tệp mẫu Word {configured}")
    return path


# ----------------------------------------------------------------------------- the mapping


def word_fields(ctx: dict) -> dict:
    """The template's own tags (``{{ word.title }}`` …), from the context."""
    s = ctx.get("scope") or {}
    cover = ctx.get("cover") or {}
    return {
        "title": f"{_review(ctx).get('title_upper', '')} THỰC HIỆN NGHỊ QUYẾT 01-NQ/ĐUK".strip(),
        "subject": str(cover.get("subject") or SUBJECT),
        "scope": (f"Số liệu: {s.get('n_units')} tổ chức cơ sở đảng trong {s.get('n_blocks')} khối "
                  f"({s.get('n_pilot')} đơn vị làm điểm, {s.get('n_rest')} đơn vị còn lại), {s.get('n_periods')} kỳ "
                  f"báo cáo từ {s.get('baseline')} (kỳ gốc, sau khi đã chọn đơn vị điểm) đến {s.get('post')}. Phần "
                  "đầu là tóm tắt cho lãnh đạo: câu trả lời và các con số chính; các phần sau là căn cứ."),
    }


def summary(d: Draft, ctx: dict) -> None:
    """"Tóm tắt cho lãnh đạo", as on the PDF's second page."""
    s, p, ro, ins, rk, dq = (ctx.get(k) or {} for k in
                             ("scope", "pilots", "rollout", "inspections", "ranking", "data_quality"))
    d.heading("TÓM TẮT CHO LÃNH ĐẠO", 1)
    d.heading("1. Đơn vị làm điểm có chuyển biến nhiều hơn các đơn vị còn lại không?", 2)
    d.para(str(p.get("answer_short") or p.get("answer", "")), lead="Trả lời: ")
    d.table(None, ["Chỉ tiêu", "Chênh lệch thay đổi (KTC 95%)", "Điều chỉnh theo kỳ gốc (KTC 95%)", "p (Holm)", "n",
                   "Kết luận"],
            _effects(p.get("outcomes") or []), ["label", "d", "a", "p_holm", "n", "verdict"],
            [2.1, 1.7, 1.7, 0.95, 0.6, 1.3], "lccrcl")
    d.note(f"Chênh lệch thay đổi: thay đổi từ {s.get('baseline')} đến {s.get('post')} của mỗi đơn vị điểm trừ thay đổi "
           "bình quân của các đơn vị khác cùng khối, lấy trung bình các khối; cột thứ hai điều chỉnh thêm theo mức kỳ "
           "gốc của từng đơn vị. Kỳ gốc đến sau khi đã chọn đơn vị điểm. n: số đơn vị điểm/còn lại có đủ số liệu.")
    d.heading(f"2. Mục tiêu nào đã chuyển biến (toàn khối, {s.get('baseline')} → {s.get('post')})?", 2)
    goals = [g for g in ctx.get("goals") or [] if (g.get("goal") or 0) > 0 or g.get("indicator") == ctx.get("main_indicator")]
    d.table(None, ["Chỉ tiêu", "Mục tiêu", "Kỳ gốc", "Kỳ cuối", "Thay đổi (KTC 95%)", "Đánh giá"],
            [{**g, "gt": f"MT {g['goal']}" if (g.get("goal") or 0) > 0 else "Chung",
              "chg": f"{g.get('change')} ({g.get('ci')})"} for g in goals],
            ["label", "gt", "baseline", "post", "chg", "reading"], [2.7, 0.65, 0.7, 0.7, 1.9, 1.3], "lcrrcl")
    d.para(f"đến {s.get('post')}: {ro.get('study_rate')} CBCCVC đã học tập Nghị quyết; "
           f"{ro.get('action_programme_share')} đơn vị có chương trình hành động; {ro.get('office_layout_share')} đơn "
           f"vị hoàn thành bài trí công sở; hồ sơ thủ tục hành chính đúng hạn {ro.get('on_time_baseline')} → "
           f"{ro.get('on_time_post')}.", lead="Triển khai ")
    d.para(f"{ins.get('n_inspections')} lượt, {ins.get('n_rounds')} đợt, điểm bình quân {ins.get('mean_total')}/100; "
           f"tiêu chí yếu nhất: {ins.get('weakest')} ({ins.get('weakest_mean')}/10).", lead="Kiểm tra, giám sát: ")
    d.heading("3. Số liệu có đáng tin không?", 2)
    d.para(f"{dq.get('headline')} {dq.get('reports')} Chi tiết ở phần Chất lượng số liệu và Phụ lục A.")
    d.heading("4. Đề nghị Ban Thường vụ quyết định", 2)
    d.bullets([
        f"Đưa kết quả văn hóa công sở vào xếp loại tổ chức cơ sở đảng năm {rk.get('year')} theo phương án ở Mục V: "
        f"{rk.get('n_up')} đơn vị được nâng mức, {rk.get('n_down')} đơn vị bị hạ mức, {rk.get('n_same')} đơn vị giữ "
        f"nguyên (trên {rk.get('n_units')} đơn vị); xem xét riêng {rk.get('n_review')} đơn vị có điểm sát ngưỡng.",
        f"Nhân rộng {rk.get('n_good')} cách làm hay (danh sách ở Mục V); chỉ đạo khắc phục tiêu chí yếu nhất khi kiểm "
        f"tra: {ins.get('weakest')}.",
        f"Đôn đốc các đơn vị nộp muộn hoặc không nộp báo cáo (danh sách ở Mục VI) {_review(ctx).get('next_review', '')}.",
    ])
    d.heading("5. Bối cảnh: chỉ số công khai của tỉnh", 2)
    d.note("Số liệu công bố bên ngoài, dẫn để tham khảo; không do báo cáo này tính và không chứng minh tác dụng của "
           "Nghị quyết.")
    d.table(None, ["Chỉ số", "Thứ hạng của Hà Tĩnh", "Nguồn"], ctx.get("public_indices") or [],
            ["name", "values", "source"], [2.4, 1.6, 2], "lcl")


def _effects(rows: list[dict]) -> list[dict]:
    """Verdict rows with the two estimates joined to their intervals, as the PDF shows them."""
    return [{**r, "d": r.get("did_full"), "a": r.get("adj_full")} for r in rows]


def _goal_table(d: Draft, caption: str, rows: list[dict]) -> None:
    d.table(caption, ["Chỉ tiêu", "Đầu kỳ", "Cuối kỳ", "Thay đổi", "KTC 95% của thay đổi", "Số ĐV", "Đánh giá"],
            rows, ["label", "baseline", "post", "change", "ci", "n", "reading"],
            [2.4, 0.9, 0.9, 0.9, 1.5, 0.6, 1.3], "lrrrcrl")


def body(d: Draft, ctx: dict) -> None:
    """Sections I–VI and the appendices, as in the PDF."""
    s, p, ro, ins, rk, dq = (ctx.get(k) or {} for k in
                             ("scope", "pilots", "rollout", "inspections", "ranking", "data_quality"))
    comp, prov = ctx.get("comparisons") or {}, ctx.get("provenance") or {}
    figs = ctx.get("figures") or {}
    goals = ctx.get("goals") or []

    d.heading("I. PHẠM VI, SỐ LIỆU VÀ CÁCH ĐỌC", 1)
    d.para(f"Báo cáo {_review(ctx).get('title', '')} thực hiện Nghị quyết 01-NQ/ĐUK, ban hành ngày 10/10/2016. Số liệu lấy từ báo cáo định "
           "kỳ của các đơn vị (Biểu số 01-VHCS), kết quả kiểm tra, giám sát (Biểu số 02-VHCS) và kết quả xếp loại tổ "
           "chức cơ sở đảng hằng năm; tất cả được đọc, làm sạch và tính bằng chương trình, không sửa tay. Kỳ gốc là "
           f"{s.get('baseline')} (Nghị quyết mới ban hành, đơn vị điểm đã được chọn), kỳ so sánh là {s.get('post')}; các kỳ: "
           f"{', '.join(s.get('periods') or [])}.")
    d.para("Cách đọc các con số:", style=wt.NOTE_STYLE)
    d.bullets([
        "Khoảng tin cậy 95% (KTC): khoảng giá trị phù hợp với số liệu. Nếu KTC chứa 0 thì không đủ bằng chứng về khác "
        "biệt — không có nghĩa là chắc chắn không có khác biệt.",
        "p: xác suất gặp khác biệt lớn như vậy nếu việc làm điểm không gắn với khác biệt nào; p nhỏ (dưới 0,05) là "
        "khác biệt khó giải thích bằng ngẫu nhiên.",
        f"{s.get('n_pilot')} đơn vị điểm được chọn, không bốc thăm: mọi so sánh là mức độ gắn liền, không khẳng định "
        "nguyên nhân.",
        "Số viết theo cách Việt Nam: 1.234,5; tỷ lệ 85,7%; \"điểm %\" là điểm phần trăm.",
    ])

    d.heading("II. KẾT QUẢ THEO BỐN NHÓM NHIỆM VỤ", 1)
    d.heading("1. Lãnh đạo, quán triệt và nâng cao nhận thức (nhóm nhiệm vụ 1)", 2)
    d.para(f"Đến {s.get('post')}, {ro.get('study_rate')} cán bộ, công chức, viên chức, người lao động đã được học tập, "
           f"quán triệt Nghị quyết; {ro.get('action_programme_share')} đơn vị đã xây dựng chương trình hành động.")
    d.table("Kết quả triển khai Nghị quyết", [f"Nội dung ({s.get('post')})", "Đơn vị điểm", "Đơn vị còn lại",
                                               "Toàn khối"],
            ro.get("at_post") or [], ["measure", "pilot", "rest", "all"], [2.6, 1, 1, 1])
    d.figure("rollout_bars", f"Triển khai: đơn vị điểm và các đơn vị còn lại, kỳ {s.get('post')}", figs)
    d.figure("study_rate_trend", "Tỷ lệ CBCCVC đã học tập Nghị quyết theo kỳ (dải mờ: khoảng tin cậy 95%)", figs)
    d.heading("2. Xây dựng đội ngũ cán bộ có đạo đức, năng lực, trách nhiệm (nhóm nhiệm vụ 2)", 2)
    _goal_table(d, "Chỉ tiêu của nhóm nhiệm vụ 2, toàn khối", [g for g in goals if g.get("task_group") == 2])
    d.heading("3. Môi trường văn hóa lành mạnh, cải cách hành chính (nhóm nhiệm vụ 3)", 2)
    d.para(f"{ro.get('office_layout_share')} đơn vị đã hoàn thành bài trí công sở theo quy định. Tỷ lệ hồ sơ thủ tục "
           "hành chính giải quyết trước hạn và đúng hạn (tính trên các đơn vị có bộ phận một cửa): "
           f"{ro.get('on_time_baseline')} ở kỳ gốc, {ro.get('on_time_post')} ở kỳ {s.get('post')}.")
    d.table("Hồ sơ thủ tục hành chính, toàn khối", ["Kỳ", "Hồ sơ đúng hạn", "Hồ sơ quá hạn", "Tỷ lệ đúng hạn",
                                                     "Số đơn vị"],
            ro.get("on_time") or [], ["period", "on_time", "late", "rate", "units"])
    d.figure("on_time_rate_trend", "Tỷ lệ hồ sơ giải quyết đúng hạn theo kỳ", figs)
    _goal_table(d, "Chỉ tiêu của nhóm nhiệm vụ 3, toàn khối", [g for g in goals if g.get("task_group") == 3])
    d.heading("4. Kiểm tra, giám sát (nhóm nhiệm vụ 4)", 2)
    d.para(f"Đã có {ins.get('n_inspections')} lượt kiểm tra, giám sát trong {ins.get('n_rounds')} đợt; điểm bình quân "
           f"{ins.get('mean_total')}/100. Tiêu chí có điểm thấp nhất: {ins.get('weakest')} (bình quân "
           f"{ins.get('weakest_mean')}/10).")
    d.table("Điểm bình quân theo tiêu chí chấm (0–10)", ["Tiêu chí", "Nội dung", "Đơn vị điểm", "Đơn vị còn lại",
                                                          "Lượt chấm"],
            ins.get("criteria") or [], ["criterion", "label", "pilot", "rest", "n"], [0.7, 3.4, 0.9, 0.9, 0.8], "clrrr")
    d.figure("inspection_criteria", "Điểm bình quân theo tiêu chí: đơn vị điểm và các đơn vị còn lại", figs)
    order = list(ins.get("rating_order") or [])
    d.table("Số đơn vị theo xếp loại, từng đợt kiểm tra", ["Đợt", *order], cells(ins.get("ratings") or [], "cells", "round"),
            ["round", *[f"c{i}" for i in range(len(order))]])
    d.figure("inspection_ratings", "Xếp loại qua các đợt kiểm tra, giám sát", figs)

    d.heading("III. KẾT QUẢ THEO BA MỤC TIÊU CỤ THỂ", 1)
    d.para("Mỗi chỉ tiêu gắn với một mục tiêu cụ thể của Nghị quyết. Bảng so sánh mức bình quân toàn khối ở kỳ gốc và "
           f"kỳ {s.get('post')}; khoảng tin cậy 95% của mức thay đổi tính bằng bootstrap. \"Chưa thấy thay đổi rõ\" "
           "khi khoảng tin cậy chứa 0.")
    for goal in (1, 2, 3):
        rows = [g for g in goals if g.get("goal") == goal]
        if rows:
            _goal_table(d, str(rows[0].get("goal_vi")), rows)
    other = [g for g in goals if not g.get("goal")]
    if other:
        _goal_table(d, "Chỉ tiêu chung", other)
    d.figure("trends", "Diễn biến các chỉ tiêu theo kỳ: đơn vị điểm và các đơn vị còn lại (dải mờ: KTC 95%)", figs)

    d.heading("IV. ĐƠN VỊ LÀM ĐIỂM SO VỚI CÁC ĐƠN VỊ CÒN LẠI", 1)
    d.note(str(p.get("answer", "")), title="Trả lời ngắn")
    d.para(f"Hai cách so sánh, vì cách chọn đơn vị điểm quyết định cách nào đúng. (1) Chênh lệch thay đổi: mức thay đổi "
           f"từ {s.get('baseline')} đến {s.get('post')} của mỗi đơn vị điểm trừ mức thay đổi bình quân của các đơn vị "
           f"khác cùng khối, lấy trung bình {s.get('n_blocks')} khối; đúng nếu đơn vị điểm được chọn vì mạnh lâu dài. "
           "(2) Điều chỉnh theo kỳ gốc: như (1) nhưng tính đến mức của từng đơn vị ở kỳ gốc; đúng nếu một phần điểm "
           "mạnh ở kỳ gốc là do một kỳ thuận lợi (kỳ sau sẽ tự trở về gần mức chung). Sự thật nằm giữa hai cách, nên "
           "chỉ kết luận \"rõ\" khi cả hai cùng chiều. Độ tin cậy tính bằng cách hoán đổi nhãn \"đơn vị điểm\" giữa "
           "các đơn vị trong cùng khối, với thống kê đã chuẩn hóa để vẫn đúng khi tác động khác nhau giữa các đơn vị; "
           f"p (Holm) đã điều chỉnh cho việc xét nhiều chỉ tiêu cùng lúc. Kỳ gốc {s.get('baseline')} đến sau khi đơn "
           "vị điểm được chọn, nên không kiểm tra được xu hướng trước đó từ Biểu 01."
           + (f" {p.get('placebo')}" if p.get("placebo") else ""))
    d.table(f"Đơn vị điểm so với các đơn vị cùng khối, {s.get('baseline')} → {s.get('post')} (\"phát hiện được từ\": "
            "chênh lệch nhỏ nhất mà thiết kế phát hiện được 8 trên 10 lần)",
            ["Chỉ tiêu", "Đơn vị tính", "Chênh lệch thay đổi (KTC 95%)", "Điều chỉnh theo kỳ gốc (KTC 95%)", "p (Holm)",
             "Phát hiện được từ", "Kết luận"],
            _effects(p.get("rows") or []), ["label", "unit", "d", "a", "p_holm", "mde", "verdict"],
            [1.9, 0.9, 1.6, 1.6, 0.95, 0.9, 1.2], "llccrrl")
    d.figure("did_forest", "Hai cách ước lượng và khoảng tin cậy 95% theo chỉ tiêu; đường 0: không khác biệt", figs)
    d.heading("1. Lý do của từng kết luận", 2)
    for row in p.get("rows") or []:
        d.para(f"{row.get('verdict')}. {row.get('reason')}.", lead=f"{row.get('label')}: ")
    d.heading("2. Các bước triển khai: đơn vị điểm đi trước, các đơn vị khác theo sau", 2)
    d.para("Có chương trình hành động, cán bộ xây dựng kế hoạch, cam kết cá nhân, hoàn thành bài trí công sở là những "
           "việc làm một lần. Đơn vị điểm làm trước là "
           "đúng vai trò làm điểm; các đơn vị khác bắt kịp là việc triển khai có kết quả, không phải đơn vị điểm đi "
           "xuống. Vì vậy các chỉ tiêu này được theo dõi theo tiến độ, không so sánh mức thay đổi.")
    d.table(f"Tiến độ các bước triển khai, {s.get('baseline')} → {s.get('post')}",
            ["Bước triển khai", "Đơn vị điểm (kỳ gốc → kỳ cuối)", "Còn lại (kỳ gốc → kỳ cuối)",
             "Các đơn vị còn lại đạt 90% từ", "Số đơn vị chưa làm ở kỳ cuối"],
            p.get("adoption") or [], ["label", "pilot", "rest", "reached", "missing"], [2, 1.5, 1.5, 1.4, 1], "lcccr")
    d.heading("3. Khác biệt có sẵn từ trước và diễn biến từng kỳ", 2)
    d.para("Đơn vị điểm có thể đã khác các đơn vị còn lại ngay từ kỳ gốc (vì được chọn, hoặc vì đã bắt đầu làm). Bảng "
           "dưới so sánh mức ở kỳ gốc; hình diễn biến cho thấy khoảng cách từng kỳ so với kỳ gốc sau khi đã chọn đơn "
           "vị điểm, không phải xu hướng trước đó.")
    d.table(f"Mức ở kỳ gốc {s.get('baseline')}: đơn vị điểm so với các đơn vị còn lại",
            ["Chỉ tiêu", "Đơn vị điểm", "Còn lại", "Chênh lệch", "KTC 95%", "p"], comp.get("level_gap") or [],
            ["label", "pilot", "rest", "gap", "ci", "p"], [2.4, 0.9, 0.9, 0.9, 1.5, 0.85], "lrrrcr")
    d.figure("event_study", "Khoảng cách đơn vị điểm − còn lại từng kỳ so với kỳ gốc", figs)
    d.figure("per_block", f"Từng đơn vị điểm so với các đơn vị cùng khối: {comp.get('per_block_label')}", figs)
    d.table(f"Chênh lệch theo từng khối: {comp.get('per_block_label')}, {s.get('baseline')} → {s.get('post')}",
            ["Khối", "Thay đổi của đơn vị điểm", "Thay đổi bình quân ĐV còn lại", "Chênh lệch", "Số ĐV còn lại"],
            comp.get("per_block") or [], ["block", "pilot", "rest", "diff", "n"], [2.2, 1.2, 1.4, 1, 0.9])

    d.heading("V. ĐỀ XUẤT XẾP LOẠI VÀ NHÂN RỘNG CÁCH LÀM HAY", 1)
    d.para("Theo Nghị quyết, kết quả văn hóa công sở là một tiêu chí xếp loại tổ chức cơ sở đảng hằng năm. Áp dụng quy "
           f"tắc trong cấu hình cho năm {rk.get('year')}: {rk.get('n_down')} đơn vị đề xuất hạ mức, {rk.get('n_up')} đơn "
           f"vị được nâng mức, {rk.get('n_review')} đơn vị cần xem xét, {rk.get('n_same')} giữ nguyên. {rk.get('rules') or ''} "
           "Mức 1 là tốt nhất, 4 là kém nhất; dòng là mức hiện tại, cột là mức theo quy tắc (kể cả đơn vị cần xem xét).")
    levels = list(rk.get("levels") or [])
    d.table(f"Số đơn vị theo mức xếp loại hiện tại và đề xuất, năm {rk.get('year')}",
            ["Mức hiện tại \\ đề xuất", *levels], cells(rk.get("matrix") or [], "cells", "level"),
            ["level", *[f"c{i}" for i in range(len(levels))]], [2.8, *[1] * len(levels)])
    d.figure("ranking_transition", "Mức xếp loại hiện tại và đề xuất", figs)
    if rk.get("moves"):
        d.table("Đơn vị đề xuất đổi mức hoặc cần xem xét",
                ["Đơn vị", "Mức hiện tại", "Mức theo quy tắc", "Điểm", "Cách ngưỡng", "Tình trạng", "Lý do"],
                rk.get("moves") or [], ["unit", "current", "proposed", "score", "margin", "status", "reason"],
                [1.8, 0.6, 0.6, 0.6, 0.6, 0.8, 3.2], "lcccrll")
    if rk.get("good_practices"):
        d.table("Cách làm hay đề nghị nhân rộng (q: tỷ lệ phát hiện nhầm dự kiến)",
                ["Đơn vị", "Khối", "Điểm", "Chỉ tiêu", "Bằng chứng (kỳ gốc → kỳ cuối)"],
                rk.get("good_practices") or [], ["unit", "block", "pilot", "indicator", "reason"],
                [1.7, 1.2, 0.5, 1.6, 4], "llcll")
    else:
        d.para("Không đơn vị nào có mức cải thiện vượt rõ mức dao động do ngẫu nhiên (sau khi tính đến việc xét cùng lúc "
               "nhiều đơn vị và nhiều chỉ tiêu); chưa có đề xuất nhân rộng dựa trên số liệu.")

    d.heading("VI. CHẤT LƯỢNG SỐ LIỆU", 1)
    d.para(f"{dq.get('headline')} {dq.get('reports')} Dòng bị loại không được sửa tay: mỗi dòng được ghi lại cùng lý do "
           "(bảng rejects trong thư mục số liệu đã làm sạch) để đơn vị sửa và gửi lại.")
    d.table("Tình hình nộp báo cáo định kỳ (Biểu 01)", ["Kỳ", "Phải nộp", "Đúng hạn", "Nộp muộn", "Không ghi ngày",
                                                         "Không nộp"],
            dq.get("completeness") or [], ["period", "expected", "on_time", "late", "undated", "missing"])
    d.figure("completeness", "Báo cáo đúng hạn, muộn và không nộp theo kỳ", figs)
    d.table("Đơn vị nộp muộn hoặc không nộp báo cáo", ["Đơn vị", "Khối", "Nộp muộn", "Không ghi ngày", "Không báo cáo"],
            dq.get("late_units") or [], ["unit", "block", "late", "undated", "missing"], [2.4, 1.5, 1.5, 1, 1.5], "lllll")
    d.table("Dòng số liệu bị loại theo lý do", ["Lý do loại", "Mã", "Số dòng", "Số tệp"], dq.get("by_reason") or [],
            ["reason", "code", "rows", "files"], [3, 1.6, 0.8, 0.8], "llrr")
    d.figure("rejects_by_reason", "Số dòng bị loại theo lý do", figs)
    d.table("Tệp đầu vào theo loại và tình trạng", ["Loại tệp", "Tình trạng", "Số tệp", "Dòng đọc", "Dòng giữ",
                                                     "Dòng loại"],
            dq.get("by_kind") or [], ["kind", "status", "files", "read", "kept", "rejected"],
            [2, 1, 0.8, 0.9, 0.9, 0.9], "llrrrr")
    d.table("Tệp không dùng được và lý do", ["Tệp không dùng", "Lý do"], dq.get("skipped") or [], ["file", "reason"],
            [2, 3], "ll")

    totals = prov.get("totals") or {}
    d.heading("PHỤ LỤC A. NGUỒN GỐC SỐ LIỆU", 1)
    d.para("Mỗi tệp đầu vào với mã băm SHA-256 (12 ký tự đầu; đầy đủ trong manifest.json) và số dòng đọc, giữ, loại "
           f"(dòng đọc = giữ + loại). Tổng: {totals.get('rows_read')} dòng đọc, {totals.get('rows_kept')} giữ, "
           f"{totals.get('rows_rejected')} loại. Phiên bản chương trình làm sạch: {prov.get('package_version')}; lập "
           f"báo cáo: {prov.get('report_version')}.")
    d.table("Các tệp đầu vào", ["Tệp", "Loại", "SHA-256", "Đọc", "Giữ", "Loại"], prov.get("files") or [],
            ["path", "kind", "sha", "read", "kept", "rejected"], [3.2, 1.6, 1.3, 0.6, 0.6, 0.6], "lllrrr")

    weights = ctx.get("weights") or []
    used = ctx.get("settings") or {}
    d.heading("PHỤ LỤC B. PHƯƠNG PHÁP", 1)
    d.bullets([
        "Chỉ tiêu. Tỷ lệ học tập = số đã học tập / tổng số CBCCVC; tỷ lệ hồ sơ đúng hạn = (trước hạn + đúng hạn) / "
        "(trước hạn + đúng hạn + quá hạn), không tính hồ sơ bị trả lại, rút; phản ánh và vi phạm tính trên 100 "
        "CBCCVC. Ô để trống (đơn vị không có bộ phận một cửa) là \"không áp dụng\", không tính là 0.",
        "Chỉ số văn hóa công sở (0–100) là bình quân có trọng số của các chỉ tiêu kết quả thành phần đã quy về thang "
        "0–100 (không gồm các bước triển khai làm một lần). Khi so sánh đơn vị điểm, mỗi đơn vị dùng cùng các thành "
        "phần ở cả hai kỳ, để thay đổi của chỉ số không đến từ việc có thêm hay bớt thành phần."
        + (" Trọng số (cấu hình): " + "; ".join(f"{w.get('indicator')} {w.get('weight')}" for w in weights) + "."
           if weights else ""),
        f"Hai cách ước lượng theo khối. (1) Chênh lệch trong chênh lệch: với mỗi khối, thay đổi (kỳ {s.get('post')} "
        "trừ kỳ gốc) của đơn vị điểm trừ thay đổi bình quân của các đơn vị khác cùng khối; ước lượng là bình quân các "
        "khối. (2) Điều chỉnh theo kỳ gốc (ANCOVA): như (1) sau khi trừ phần thay đổi do mức kỳ gốc của từng đơn vị "
        "(hệ số ước lượng trong từng khối). Nếu đơn vị điểm được chọn vì mạnh lâu dài thì (1) đúng, (2) lệch lên; nếu "
        "được chọn sau một kỳ thuận lợi thì (2) đúng, (1) lệch xuống. Kết luận \"rõ\" cần cả hai cùng chiều. Đơn vị "
        "thiếu số liệu ở một trong hai kỳ không được tính.",
        "Suy luận hoán vị (randomisation inference). Nhãn \"đơn vị điểm\" được hoán đổi trong từng khối (liệt kê đủ "
        "khi số cách không quá lớn, nếu không thì rút ngẫu nhiên có hạt giống cố định); thống kê là ước lượng chia "
        "cho sai số chuẩn tính từ độ phân tán giữa các khối, nên kiểm định vẫn đúng cho tác động bình quân khi tác "
        "động khác nhau giữa các đơn vị. Đã kiểm tra bằng mô phỏng (docs/statistics.md).",
        "Khoảng tin cậy bằng đảo kiểm định. KTC 95% là tập các mức tác động τ mà giả thuyết \"tác động đúng bằng τ\" "
        "không bị bác bỏ ở mức 5%, giới hạn trong khoảng chỉ tiêu có thể đạt; \"±∞\" khi số liệu không chặn được "
        "một đầu.",
        "Không so sánh được khi ít nhất một nửa số đơn vị điểm đã ở mức tốt nhất có thể ngay từ kỳ gốc (100% hoặc 0 "
        "vi phạm), khi mọi đơn vị như nhau, và với các bước triển khai làm một lần.",
        "Độ nhạy của chỉ số tổng hợp (bỏ lần lượt từng thành phần): bảng dưới.",
        "Khoảng tin cậy của giá trị bình quân mô tả (theo nhóm, theo kỳ) theo phân phối t, với độ lệch chuẩn gộp của "
        "đơn vị điểm và các đơn vị còn lại trong cùng kỳ (7 đơn vị điểm quá ít để tự ước độ phân tán); điểm từng tiêu chí "
        "kiểm tra: mỗi đơn vị tính một lần (bình quân các lượt kiểm tra của đơn vị), khoảng tin cậy tính trên các đơn vị, "
        "không trên các lượt. Mô phỏng: các khoảng ghi 95% chứa giá trị thật ít nhất 94% số lần.",
        "Đề xuất xếp loại. Điểm văn hóa công sở là điểm kiểm tra, giám sát bình quân trong năm, xếp mức theo ngưỡng của "
        "Biểu 02; độ dao động của một lượt kiểm tra ước từ các đơn vị được kiểm tra nhiều lần trong năm. Đơn vị cách "
        f"ngưỡng chưa quá {rk.get('band_z')} lần sai số của điểm năm: \"cần xem xét\", không tự động đổi mức.",
        "Cách làm hay. Với mỗi đơn vị và chỉ tiêu: phản ánh, vi phạm, hồ sơ quá hạn so theo số đếm (phân phối nhị thức, "
        "có tính độ phân tán thêm giữa các đơn vị), điểm kiểm tra so với độ phân tán thay đổi của mọi đơn vị; chỉ xét "
        f"đơn vị đủ lớn, đủ số liệu; q (Benjamini–Hochberg) tính trên mọi đơn vị × chỉ tiêu, nhận q ≤ {rk.get('q_max')}. "
        "Mô phỏng khi không đơn vị nào thực sự cải thiện: bình quân 0,06 đơn vị bị gợi ý nhầm mỗi báo cáo.",
        "Nhiều chỉ tiêu cùng lúc. Họ chỉ tiêu kết quả được khai báo trước trong cấu hình; p điều chỉnh Holm trên cả "
        "họ (lấy p lớn hơn của hai cách ước lượng) để tránh \"tìm thấy\" khác biệt do xem nhiều chỉ tiêu.",
        "Giới hạn. Đơn vị điểm được chọn, không bốc thăm; số liệu do đơn vị tự báo cáo; với 7 đơn vị điểm chỉ phát "
        f"hiện được khác biệt lớn. Kết quả là căn cứ tham khảo cho {_review(ctx).get('noun', '')}, không thay thế đánh giá "
        "thực tế.",
        # as in the PDF's appendix: only when a settings file was used (the default draft stays as it was)
        *([f"Cấu hình. Tệp {used.get('source')} (SHA-256 {used.get('sha256')}), ghi đè các giá trị mặc định của "
           "chương trình; toàn bộ giá trị đã dùng được ghi trong manifest.json."] if used.get("source") else []),
    ])
    d.table("Độ nhạy của chỉ số tổng hợp: bỏ lần lượt từng thành phần",
            ["Bỏ thành phần", "Chênh lệch thay đổi (KTC 95%)", "Điều chỉnh theo kỳ gốc (KTC 95%)"],
            p.get("sensitivity") or [], ["left_out", "did", "adj"], [2, 1.6, 1.6], "lcc")


# ----------------------------------------------------------------------------- rendering


def _renumber_drawings(document) -> None:
    """Unique ``wp:docPr`` ids: sub-documents number their pictures before they are placed,
    and Word refuses a file with two drawings of the same id."""
    from docx.oxml.ns import qn

    for number, element in enumerate(document.element.body.iter(qn("wp:docPr")), start=1):
        element.set("id", str(number))


def render_docx(ctx: dict, figures_dir: Path, target: Path, *, template: Path | None = None) -> list[FigureEntry]:
    """Write the Word draft of ``ctx`` to ``target`` (atomically, byte-identical on rebuild);
    returns the figures placed, in order, with their numbers and captions. ``template``:
    the .docx template (``template_path`` of the settings); None: the shipped one."""
    from docxtpl import DocxTemplate

    source = template or wt.TEMPLATE_PATH
    try:
        tpl = DocxTemplate(str(source))
        document = tpl.get_docx()
    except Exception as exc:  # noqa: BLE001 - any unreadable template is one readable error
        raise VhcsError(f"không đọc được mẫu Word {source.name}: {exc}") from None
    section = document.sections[0]
    text_width = int(section.page_width - section.left_margin - section.right_margin)
    counters = {"table": 0, "figure": 0}
    figure_list: list[FigureEntry] = []
    lead = Draft(tpl.new_subdoc(), figures_dir, text_width, counters, figure_list)
    main = Draft(tpl.new_subdoc(), figures_dir, text_width, counters, figure_list)
    summary(lead, ctx)
    body(main, ctx)
    values = {**ctx, "word": word_fields(ctx), "summary": lead.doc, "body": main.doc}
    try:
        tpl.render(values, autoescape=True)
    except Exception as exc:  # noqa: BLE001 - a broken tag in an office's template
        raise VhcsError(f"mẫu Word {source.name} có thẻ không hợp lệ: {exc}") from None
    document = tpl.docx
    _renumber_drawings(document)
    day = dt.datetime.strptime(ctx["cover"]["date"], "%d/%m/%Y")
    data = wt.docx_bytes(document, title=f"BÁO CÁO {word_fields(ctx)['title']}", when=day)
    write_bytes_atomic(data, target)
    return figure_list
