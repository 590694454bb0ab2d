"""The sơ kết report as an editable Word draft (``bao-cao-…-nq01.docx``) and the figure pack.

One context feeds both documents: ``context.build_context`` → the Typst PDF
(``template.typ``), the leaders' answer; and, here, the Word draft, the review report
itself that the bloc's office edits, signs and sends, in the structure of a sơ kết report
(docs/report.md): I. leadership and dissemination; II. results (three targets, four task
groups, the pilots); III. general assessment; IV. tasks ahead; V. proposals; Nơi nhận and
the signature block (in the template); the appendices (tables, figures, methods).

The Word template (``bao-cao-mau.docx``, made by ``word_template.py``, or the office's own
copy named by ``[report] docx_template``) holds the frame; this module fills its three
docxtpl tags ``{{p opening }}``, ``{{p body }}`` and ``{{p appendices }}``. What the
parts say is in ``soket.py`` (which alone reads the context's keys, ``soket.facts``);
the layout (headings, placeholders, Word tables with SEQ-numbered captions, figures) is
here and in ``word_draft.py``. There is no table of contents: the form of Party documents
(Hướng dẫn 36-HD/VPTW) has none in a signed report, and the clerk finds every part in
Word's navigation pane from the heading styles.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from vhcs_analysis import layout
from vhcs_analysis.errors import VhcsError
from vhcs_analysis.io.writers import write_bytes_atomic
from vhcs_analysis.report import soket
from vhcs_analysis.report import word_template as wt
from vhcs_analysis.report.readings import ADOPTION_NOTE_VI, CAPTIONS_VI, COMMENDED_UNITS_VI, PILOT_CI_NOTE
from vhcs_analysis.report.soket import RESOLUTION, TASK_GROUPS_VI, goal_sentence, goals_of
from vhcs_analysis.report.word_draft import Draft, FigureEntry, cells
from vhcs_analysis.settings import Report


SUBJECT = ("ngày 10/10/2016 của Đảng ủy Khối Các cơ quan tỉnh về tăng cường sự lãnh đạo xây dựng văn hóa công sở "
           "đáp ứng yêu cầu phát triển của tỉnh đến năm 2020 và những năm tiếp theo")


def docx_name(pdf_name: str) -> str:
    """The Word draft's file name: the PDF's name with the suffix swapped (``layout.docx_name``)."""
    return layout.docx_name(pdf_name)


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

PLACEHOLDER = {
    "leadership": ("các văn bản Ban Thường vụ đã ban hành để lãnh đạo, chỉ đạo thực hiện Nghị quyết (kế hoạch, hướng "
                   "dẫn, chỉ thị); hội nghị quán triệt, công tác tuyên truyền; việc chọn đơn vị làm điểm và làm việc "
                   "với các đơn vị điểm."),
    "personal_plans": ("số cán bộ, công chức, viên chức đã xây dựng kế hoạch, cam kết cá nhân và số phòng, ban đã xây "
                       "dựng kế hoạch cụ thể của toàn khối (chỉ Biểu 01-VHCS mẫu 2018 thu các số liệu này, nên không "
                       "có kỳ gốc để tính cho toàn khối; mức kỳ cuối của đơn vị điểm và các đơn vị khác ở bảng tiến "
                       "độ triển khai)."),
    "strengths": "nhận định chung về ưu điểm. Căn cứ số liệu ở trên:",
    "limitations": "nhận định chung về hạn chế, khuyết điểm. Căn cứ số liệu ở trên:",
    "causes": "nguyên nhân của ưu điểm và của hạn chế, khuyết điểm (khách quan, chủ quan). Căn cứ:",
    "lessons": "bài học kinh nghiệm. Căn cứ:",
    "tasks": "phương hướng, nhiệm vụ, giải pháp thời gian tới. Căn cứ số liệu:",
    "proposals": "đề xuất, kiến nghị với Tỉnh ủy, Ủy ban nhân dân tỉnh và các cơ quan liên quan; đề nghị khen thưởng "
                 "tập thể, cá nhân có cách làm hay.",
}


def word_fields(ctx: dict) -> dict:
    """The template's own tags (``{{ word.title }}``, ``{{ word.subject }}``), from the context:
    the trích yếu in ordinary case, as Hướng dẫn 36-HD/VPTW sets it under "BÁO CÁO"."""
    f = soket.facts(ctx)
    title = f["review"]["title"]
    return {
        "title": f"{title[:1].upper()}{title[1:]} thực hiện Nghị quyết 01-NQ/ĐUK".strip(),
        "subject": f["cover"]["subject"] or SUBJECT,
    }


def opening(d: Draft, ctx: dict) -> None:
    """The opening paragraphs (which resolution, what window, where the numbers come from)."""
    f = soket.facts(ctx)
    s, review = f["scope"], f["review"]
    number = RESOLUTION.removeprefix("Nghị quyết ")
    d.para(f"Thực hiện Nghị quyết số {number} {SUBJECT} (sau đây gọi tắt là Nghị quyết 01), Ban Thường vụ Đảng ủy "
           f"Khối báo cáo {review['title']} thực hiện Nghị quyết như sau:")
    d.para(f"Số liệu trong báo cáo được tổng hợp từ báo cáo định kỳ (Biểu số 01-VHCS) của {s.get('n_units')} tổ chức "
           f"cơ sở đảng trong {s.get('n_blocks')} khối ({s.get('n_pilot')} đơn vị làm điểm, {s.get('n_rest')} đơn vị "
           f"còn lại), {s.get('n_periods')} kỳ báo cáo từ {s.get('baseline')} đến {s.get('post')}; kết quả kiểm tra, "
           "giám sát (Biểu số 02-VHCS) và kết quả xếp loại tổ chức cơ sở đảng hằng năm. Các bảng, hình chi tiết ở "
           "Phụ lục.", style=wt.NOTE_STYLE)


def body(d: Draft, ctx: dict) -> None:
    """Parts I–V of the sơ kết report."""
    f = soket.facts(ctx)
    s, ro, ins, rk = f["scope"], f["rollout"], f["inspections"], f["ranking"]
    base, post = s.get("baseline"), s.get("post")

    d.heading("I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO, QUÁN TRIỆT, TRIỂN KHAI THỰC HIỆN", 1)
    d.placeholder(PLACEHOLDER["leadership"])
    d.para(f"Đến {post}, {ro.get('study_rate')} cán bộ, công chức, viên chức, người lao động đã được học tập, quán "
           f"triệt Nghị quyết; {ro.get('action_programme_share')} tổ chức cơ sở đảng, cơ quan, đơn vị đã xây dựng "
           f"chương trình hành động thực hiện Nghị quyết; {ro.get('office_layout_share')} đơn vị đã hoàn thành bài trí "
           "công sở theo quy định.")
    # issue 28: personal plans and department plans (Form 01 fields), printed once the context carries them
    if f["leadership_extra"]:
        d.bullets(f["leadership_extra"])
    else:
        d.placeholder(PLACEHOLDER["personal_plans"])
    if f["pilot_units"]:
        d.para(soket.pilots_named(f))

    d.heading("II. KẾT QUẢ THỰC HIỆN", 1)
    d.heading("1. Kết quả thực hiện các mục tiêu cụ thể", 2)
    for goal in (1, 2, 3):
        rows = goals_of(f, goal=goal)
        d.para(str(rows[0].get("goal_vi")) if rows else f"Mục tiêu {goal}", style=wt.LEAD_STYLE)
        if not rows:
            d.placeholder(f"kết quả thực hiện mục tiêu {goal} (không có chỉ tiêu nào trong số liệu gắn với mục tiêu "
                          "này).")
        for g in rows:
            d.bullets([goal_sentence(g, str(base), str(post))])
    overall = [g for g in f["goals"] if not g.get("goal") and not g.get("task_group")]
    for g in overall:
        d.para(goal_sentence(g, str(base), str(post)), lead="Chung: ")
    d.heading("2. Kết quả thực hiện các nhóm nhiệm vụ, giải pháp", 2)
    for group, title in TASK_GROUPS_VI.items():
        d.para(title, style=wt.LEAD_STYLE)
        rows = goals_of(f, task_group=group)
        d.bullets([goal_sentence(g, str(base), str(post)) for g in rows])
        if group == 1:
            d.bullets([f"{m.get('measure')} ({post}): đơn vị điểm {m.get('pilot')}, các đơn vị còn lại "
                       f"{m.get('rest')}." for m in ro.get("at_post") or []])
            d.note(f["group_basis"])
        if group == 4 and ins.get("n_inspections") not in (None, "", "0"):
            d.bullets([f"Đã tổ chức {ins.get('n_inspections')} lượt kiểm tra, giám sát trong {ins.get('n_rounds')} "
                       f"đợt; điểm bình quân {ins.get('mean_total')}/100; tiêu chí có điểm thấp nhất: "
                       f"{ins.get('weakest')} ({f['weakest_scores']})."])
        if not rows and group == 2:
            d.placeholder("kết quả xây dựng đội ngũ cán bộ (số liệu chưa đủ để đánh giá).")
    d.heading("3. Kết quả xây dựng mô hình điểm", 2)
    if f["pilots"]["answer"]:
        d.para(f["pilots"]["answer"])
    if f["grades"]:
        d.note("; ".join(f"\u201c{g.get('label')}\u201d: {g.get('meaning')}" for g in f["grades"]) + ".",
               title="Cách đọc kết luận")
    d.para(f["two_methods"], style=wt.NOTE_STYLE)
    caption = f"Đơn vị điểm so với các đơn vị còn lại, theo chỉ tiêu, {base} → {post} (lý do ở Phụ lục 3)"
    if any("pilot" in r for r in f["verdicts"]):  # the levels on the verdicts' basis, when the context has them
        d.table(caption, ["Chỉ tiêu", "Đơn vị điểm (trước → sau, thay đổi)", "Đơn vị cùng khối (trước → sau, thay "
                          "đổi)", "Chênh lệch thay đổi", "Kết luận"],
                f["verdicts"], ["label", "pilot", "rest", "difference", "verdict"], [2, 1.5, 1.5, 0.9, 2.4], "lccrl")
        if f["bias_notes"]:  # the hidden bias each grade survives, under the table
            d.note(" ".join(f["bias_notes"]))
        if f["outcomes_basis"]:  # the basis of every pilots' and others' level: say it under the table
            d.note(f["outcomes_basis"])
    else:
        d.table(caption, ["Chỉ tiêu", "Kết luận"], f["verdicts"], ["label", "verdict"], [3, 2.5], "ll")
    units = f["pilot_units"]
    if units:
        label = f["per_block_label"]
        _list_note(d, f, "pilot_units")
        levels = any("→" in str(u.get("pilot")) for u in units)  # levels before → after (change), or the change
        d.table(f"Từng đơn vị điểm so với các đơn vị cùng khối: {label}, {base} → {post}",
                ["Đơn vị điểm", "Khối", "Đơn vị điểm: trước → sau (thay đổi)" if levels else "Thay đổi của đơn vị điểm",
                 "Bình quân các đơn vị khác cùng khối" + (": trước → sau (thay đổi)" if levels else ": thay đổi"),
                 "Chênh lệch thay đổi"],
                units, ["unit", "block", "pilot", "rest", "diff"],
                [2, 1.5, 1.6, 1.6, 0.9] if levels else [2.4, 1.8, 1.1, 1.4, 1], "llccr" if levels else "llrrr")

    d.heading("III. ĐÁNH GIÁ CHUNG", 1)
    d.heading("1. Ưu điểm", 2)
    d.para("Số liệu cho thấy:")
    d.bullets(soket.strengths(f))
    d.placeholder(PLACEHOLDER["strengths"])
    d.heading("2. Hạn chế, khuyết điểm", 2)
    d.para("Số liệu cho thấy:")
    d.bullets(soket.limitations(f))
    d.placeholder(PLACEHOLDER["limitations"])
    d.heading("3. Nguyên nhân", 2)
    d.placeholder(PLACEHOLDER["causes"], soket.causes_points(f))
    d.heading("4. Bài học kinh nghiệm", 2)
    d.placeholder(PLACEHOLDER["lessons"], soket.lessons_points(f))

    d.heading("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ, GIẢI PHÁP THỜI GIAN TỚI", 1)
    d.placeholder(PLACEHOLDER["tasks"], soket.tasks_points(f))

    d.heading("V. ĐỀ XUẤT, KIẾN NGHỊ", 1)
    d.heading("1. Đưa kết quả xây dựng văn hóa công sở vào xếp loại tổ chức cơ sở đảng", 2)
    d.para(f"Áp dụng quy tắc xếp loại tổ chức cơ sở đảng cho năm {rk.get('year')}: {soket.ranking_sentence(rk)}. "
           f"{rk.get('rules') or ''}")
    _list_note(d, f, "moves")
    d.table("Đơn vị đề xuất đổi mức hoặc cần xem xét (mức 1 là cao nhất)",
            ["Đơn vị", "Mức hiện tại", "Mức theo quy tắc", "Điểm kiểm tra", "Cách ngưỡng (điểm)", "Tình trạng",
             "Lý do"],
            rk.get("moves") or [], ["unit", "current", "proposed", "score", "margin", "status", "reason"],
            [1.7, 0.7, 0.7, 0.8, 0.8, 0.9, 2.8], "lcccrll")
    d.heading("2. Nhân rộng cách làm hay", 2)
    if rk.get("good_practices"):
        d.para(f"Số liệu cho thấy {rk.get('n_good')} cách làm hay có kết quả cải thiện vượt rõ mức dao động ngẫu "
               "nhiên, "
               "đề nghị tuyên truyền, nhân rộng:")
        _list_note(d, f, "good_practices")
        d.table("Cách làm hay đề nghị nhân rộng", ["Đơn vị", "Khối", "Đơn vị điểm", "Chỉ tiêu", "Căn cứ"],
                rk.get("good_practices") or [], ["unit", "block", "pilot", "indicator", "reason"],
                [1.7, 1.2, 0.6, 1.6, 4], "llcll")
    else:
        d.para("Chưa đơn vị nào có mức cải thiện vượt rõ mức dao động do ngẫu nhiên (sau khi tính đến việc xét cùng "
               "lúc "
               "nhiều đơn vị và nhiều chỉ tiêu); chưa có đề xuất nhân rộng thêm dựa trên số liệu (ngoài các mô hình "
               "các đơn vị đã tự nhân rộng, nêu ở mục II).")
    if f["commended"]["rows"]:
        d.heading("3. Biểu dương, khen thưởng tập thể, cá nhân có cách làm hay", 2)
        d.para(f["commended"]["sentence_here"] or f["commended"]["sentence"])
        d.table("Tập thể, cá nhân có cách làm hay được biểu dương, khen thưởng, theo khối (chỉ đếm, không ghi tên)",
                ["Khối", COMMENDED_UNITS_VI, "Tập thể", "Cá nhân"], f["commended"]["rows"],
                ["block", "units", "collectives", "individuals"], [2.4, 0.9, 1, 1], "lrrr")
    d.heading(f"{4 if f['commended']['rows'] else 3}. Kiến nghị khác", 2)
    d.placeholder(PLACEHOLDER["proposals"]).paragraph_format.keep_with_next = True  # with the signature block


def _list_note(d: Draft, f: dict, key: str) -> None:
    """A large bloc (issue 27): the summary above a shortened per-unit table (counts by
    block, where the full list is); nothing for a list printed whole."""
    note = f["lists"].get(key, {}).get("note")
    if note:
        d.note(note)


def appendices(d: Draft, ctx: dict) -> None:
    """After the signature, each on its own page: the tables, the figures and the methods."""
    f = soket.facts(ctx)
    s, ro, ins, rk, dq = f["scope"], f["rollout"], f["inspections"], f["ranking"], f["data_quality"]
    p, comp, figs = f["pilots"], f["comparisons"], f["figures"]
    per_block_label = f["per_block_label"]
    base, post = s.get("baseline"), s.get("post")

    d.heading("PHỤ LỤC 1. CÁC BẢNG SỐ LIỆU", 1, new_page=True)
    d.note(f["bloc_basis"])
    d.table("Các chỉ tiêu theo mục tiêu và nhóm nhiệm vụ, toàn khối",
            ["Chỉ tiêu", "Mục tiêu, nhiệm vụ", "Kỳ gốc", "Kỳ cuối", "Thay đổi", "Số đơn vị", "Đánh giá"],
            [{**g, "where": f"MT {g['goal']}" if g.get("goal") else (f"NV {g['task_group']}" if g.get("task_group")
                                                                       else "Chung")} for g in f["goals"]],
            ["table_label", "where", "baseline", "post", "change", "n", "reading_cell"],
            [2.6, 1, 0.8, 0.8, 0.8, 0.7, 1.3],
            "lcrrrrl")
    d.table(f"Kết quả triển khai Nghị quyết, kỳ {post}", ["Nội dung", "Đơn vị điểm", "Đơn vị còn lại"],
            ro.get("at_post") or [], ["measure", "pilot", "rest"], [2.6, 1, 1])
    d.note(f["group_basis"])
    d.table(f"Tiến độ các bước triển khai, {base} → {post}",
            ["Bước triển khai", "Đơn vị điểm (kỳ gốc → kỳ cuối)", "Còn lại (kỳ gốc → kỳ cuối)",
             "Các đơn vị còn lại đạt 90% từ", "Số đơn vị chưa làm ở kỳ cuối"],
            p["adoption"], ["label", "pilot", "rest", "reached", "missing"], [2, 1.5, 1.5, 1.4, 1], "lcccr")
    d.note(ADOPTION_NOTE_VI)
    d.table(CAPTIONS_VI["on_time_table"],
            ["Kỳ", "Hồ sơ đúng hạn", "Hồ sơ quá hạn", "Số đơn vị báo cáo"],
            ro.get("on_time") or [], ["period", "on_time", "late", "units"])
    d.table("Điểm bình quân theo tiêu chí kiểm tra, giám sát (0–10)",
            ["Tiêu chí", "Đơn vị điểm", "Đơn vị còn lại", "Lượt chấm"],
            ins.get("criteria") or [], ["label", "pilot", "rest", "n"], [3.8, 0.9, 0.9, 0.8], "lrrr")
    order = list(ins.get("rating_order") or [])
    d.table("Số đơn vị theo xếp loại, từng đợt kiểm tra", ["Đợt kiểm tra", *order],
            cells(ins.get("ratings") or [], "cells", "round"), ["round", *[f"c{i}" for i in range(len(order))]])
    d.table(f"Mức ở kỳ gốc {base}: đơn vị điểm so với các đơn vị còn lại",
            ["Chỉ tiêu", "Đơn vị điểm", "Còn lại", "Chênh lệch"], comp["level_gap"],
            ["label", "pilot", "rest", "gap"], [3, 1, 1, 1], "lrrr")
    levels = list(rk.get("levels") or [])
    d.table(f"Số đơn vị theo mức xếp loại hiện tại (dòng) và theo quy tắc (cột), năm {rk.get('year')}",
            ["Mức hiện tại \\ theo quy tắc", *levels], cells(rk.get("matrix") or [], "cells", "level"),
            ["level", *[f"c{i}" for i in range(len(levels))]], [2.8, *[1] * len(levels)])
    d.table("Tình hình nộp báo cáo định kỳ (Biểu 01)", ["Kỳ", "Phải nộp", "Đúng hạn", "Nộp muộn", "Không ghi ngày",
                                                         "Không nộp"],
            dq.get("completeness") or [], ["period", "expected", "on_time", "late", "undated", "missing"])
    _list_note(d, f, "late_units")
    d.table("Đơn vị nộp muộn hoặc không nộp báo cáo", ["Đơn vị", "Khối", "Nộp muộn", "Không ghi ngày", "Không nộp"],
            dq.get("late_units") or [], ["unit", "block", "late", "undated", "missing"], [2.4, 1.5, 1.5, 1, 1.5],
            "lllll")
    d.table("Dòng số liệu bị loại theo lý do", ["Lý do loại", "Số dòng", "Số tệp"], dq.get("by_reason") or [],
            ["reason", "rows", "files"], [4, 0.8, 0.8], "lrr")
    if f["public_indices"]:
        d.table("Bối cảnh: chỉ số công khai của tỉnh (số liệu công bố bên ngoài, dẫn để tham khảo; không chứng minh "
                "tác dụng của Nghị quyết)", ["Chỉ số", "Thứ hạng của Hà Tĩnh", "Nguồn"], f["public_indices"],
                ["name", "values", "source"], [2.4, 1.6, 2], "lcl")
    if f["public_indices_note"]:
        d.note(f["public_indices_note"])

    d.heading("PHỤ LỤC 2. CÁC HÌNH", 1, new_page=True)
    for name, caption in (
        ("trends", CAPTIONS_VI["trends"]),
        ("rollout_bars", f"Triển khai: đơn vị điểm và các đơn vị còn lại, kỳ {post}"),
        ("study_rate_trend", CAPTIONS_VI["study_rate_trend"]),
        ("on_time_rate_trend", CAPTIONS_VI["on_time_rate_trend"]),
        ("did_forest", "Hai cách so sánh đơn vị điểm với các đơn vị còn lại, theo chỉ tiêu. " + PILOT_CI_NOTE),
        ("event_study", "Khoảng cách đơn vị điểm − còn lại từng kỳ so với kỳ gốc"),
        ("per_block", f"Từng đơn vị điểm so với các đơn vị cùng khối: {per_block_label}"),
        ("inspection_criteria", "Điểm bình quân theo tiêu chí kiểm tra: đơn vị điểm và các đơn vị còn lại"),
        ("inspection_ratings", "Xếp loại qua các đợt kiểm tra, giám sát"),
        ("ranking_transition", "Mức xếp loại hiện tại và theo quy tắc (gồm cả đơn vị cần xem xét, chưa đổi mức)"),
        ("completeness", "Báo cáo đúng hạn, muộn và không nộp theo kỳ"),
        ("rejects_by_reason", "Số dòng số liệu bị loại theo lý do"),
    ):
        d.figure(name, caption, figs)

    d.heading("PHỤ LỤC 3. PHƯƠNG PHÁP VÀ NGUỒN SỐ LIỆU", 1, new_page=True)
    methods(d, f)


def methods(d: Draft, f: dict) -> None:
    """How the numbers were made, with the pilot comparison's estimates and intervals."""
    s, rk, p, totals = f["scope"], f["ranking"], f["pilots"], f["totals"]
    weights = f["weights"]
    d.para(f"{f['data_quality'].get('headline')} Tổng: {totals.get('rows_read')} dòng đọc, {totals.get('rows_kept')} "
           f"dòng giữ, {totals.get('rows_rejected')} dòng loại; dòng bị loại không được sửa tay, mỗi dòng được ghi lại "
           "cùng lý do để đơn vị sửa và gửi lại. Danh sách tệp đầu vào và mã kiểm tra của từng tệp ở phụ lục kỹ thuật "
           "kèm theo báo cáo.")
    d.bullets([
        "Chỉ tiêu. Tỷ lệ học tập = số đã học tập / tổng số CBCCVC; tỷ lệ hồ sơ đúng hạn = (trước hạn + đúng hạn) / "
        "(trước hạn + đúng hạn + quá hạn), không tính hồ sơ bị trả lại, rút; phản ánh và vi phạm tính trên 100 "
        "CBCCVC. Ô để trống (đơn vị không có bộ phận một cửa) là \"không áp dụng\", không tính là 0.",
        "Chỉ số văn hóa công sở (0–100) là bình quân có trọng số của các chỉ tiêu kết quả thành phần đã quy về thang "
        "0–100 (không gồm các bước triển khai làm một lần)."
        + (" Trọng số: " + "; ".join(f"{w.get('indicator')} {w.get('weight')}" for w in weights) + "." if weights
           else ""),
        f"Hai cách so sánh theo khối. (1) Chênh lệch thay đổi: với mỗi khối, thay đổi (kỳ {s.get('post')} trừ kỳ gốc) "
        "của đơn vị điểm trừ thay đổi bình quân của các đơn vị khác cùng khối, lấy bình quân các khối; đúng nếu đơn vị "
        "điểm được chọn vì mạnh ổn định. (2) Điều chỉnh theo mức kỳ gốc (ANCOVA): như (1) sau khi trừ phần thay đổi do "
        "mức kỳ gốc của từng đơn vị; đúng nếu đơn vị điểm được chọn sau một kỳ thuận lợi. Chỉ kết luận \"rõ\" khi cả "
        "hai cùng chiều: kết luận khi đó đứng vững trước hai cách chọn đơn vị điểm thường gặp nhất; còn đứng vững đến "
        "đâu trước một lý do chọn không thấy được trong số liệu thì ghi kèm kết luận khi có. Đơn vị thiếu số liệu ở "
        "một trong hai kỳ không được tính.",
        "Độ tin cậy tính bằng cách hoán đổi nhãn \"đơn vị điểm\" giữa các đơn vị trong cùng khối (suy luận hoán vị), "
        "với thống kê đã chuẩn hóa để vẫn đúng khi tác động khác nhau giữa các đơn vị; p (Holm) đã điều chỉnh cho việc "
        "xét nhiều chỉ tiêu cùng lúc. Khoảng tin cậy 95% là tập các mức chênh lệch mà số liệu không bác bỏ, giới hạn "
        "trong khoảng chỉ tiêu có thể đạt.",
        f"Kỳ gốc {s.get('baseline')} là kỳ sau khi đơn vị điểm đã được chọn, nên Biểu 01 không cho biết xu hướng "
        "của các đơn vị trước khi chọn." + (f" {p['placebo']}" if p["placebo"] else ""),
        "Khoảng tin cậy của giá trị bình quân theo nhóm, theo kỳ tính theo phân phối t, với độ lệch chuẩn gộp của đơn "
        "vị điểm và các đơn vị còn lại trong cùng kỳ; điểm từng tiêu chí kiểm tra: mỗi đơn vị tính một lần (bình quân "
        "các lượt kiểm tra của đơn vị).",
        "Đề xuất xếp loại. Điểm văn hóa công sở là điểm kiểm tra, giám sát bình quân trong năm, xếp mức theo ngưỡng "
        "của "
        f"Biểu 02; đơn vị cách ngưỡng chưa quá {rk.get('band_z')} lần sai số của điểm năm: \"cần xem xét\", không tự "
        "động đổi mức.",
        "Cách làm hay. Mỗi đơn vị và chỉ tiêu được so với mức dao động do ngẫu nhiên; chỉ xét đơn vị đủ lớn, đủ số "
        f"liệu; tỷ lệ phát hiện nhầm dự kiến (q, Benjamini–Hochberg) tính trên mọi đơn vị × chỉ tiêu, nhận q ≤ "
        f"{rk.get('q_max')}.",
        "Giới hạn. Đơn vị điểm được chọn, không bốc thăm; số liệu do đơn vị tự báo cáo; với "
        f"{s.get('n_pilot')} đơn vị điểm chỉ phát hiện được khác biệt lớn. Kết quả là căn cứ tham khảo cho "
        f"{f['review']['noun']}, không thay thế đánh giá thực tế.",
        *([f"Cấu hình. Tệp {f['settings_source']} (SHA-256 {f['settings_sha']}) ghi đè các giá trị mặc định của "
           "chương trình."]
          if f["settings_source"] else []),
    ])
    d.para("Hai cách so sánh đơn vị điểm với các đơn vị còn lại. Các khoảng tin cậy 95% dưới đây là của từng cách, "
           "chưa điều chỉnh cho việc xét nhiều chỉ tiêu cùng lúc; kết luận dựa vào p (Holm) đã điều chỉnh, nên một "
           "khoảng không chứa 0 vẫn có thể đi với kết luận \"chưa thấy khác biệt\".", style=wt.NOTE_STYLE)
    d.table("Ước lượng, khoảng tin cậy 95% và p (Holm) theo chỉ tiêu",
            ["Chỉ tiêu", "Đơn vị tính", "Chênh lệch thay đổi (KTC 95%)", "Điều chỉnh theo mức kỳ gốc (KTC 95%)",
             "p (Holm)", "Số đơn vị điểm/còn lại", "Phát hiện được từ", "Kết luận"],
            [{**r, "d": r.get("did_full"), "a": r.get("adj_full")} for r in p["rows"]],
            ["label", "unit", "d", "a", "p_holm", "n", "mde", "verdict"],
            [1.9, 0.8, 1.5, 1.5, 0.8, 0.8, 0.8, 1.2], "llccrcrl")
    d.note("Phát hiện được từ: chênh lệch nhỏ nhất mà thiết kế phát hiện được 8 trên 10 lần; \"chưa thấy khác biệt\" "
           "không có nghĩa là không có tác dụng.")
    d.table("Lý do của từng kết luận", ["Chỉ tiêu", "Kết luận", "Lý do"], p["rows"], ["label", "verdict", "reason"],
            [2, 1.4, 4.3], "lll")
    d.table("Độ nhạy của chỉ số tổng hợp: bỏ lần lượt từng thành phần",
            ["Bỏ thành phần", "Chênh lệch thay đổi (KTC 95%)", "Điều chỉnh theo mức kỳ gốc (KTC 95%)"],
            p["sensitivity"], ["left_out", "did", "adj"], [2, 1.6, 1.6], "lcc")



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
    drafts = {name: Draft(tpl.new_subdoc(), figures_dir, text_width, counters, figure_list)
              for name in ("opening", "body", "appendices")}
    opening(drafts["opening"], ctx)
    body(drafts["body"], ctx)
    appendices(drafts["appendices"], ctx)
    values = {**ctx, "word": word_fields(ctx), **{name: draft.doc for name, draft in drafts.items()}}
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
