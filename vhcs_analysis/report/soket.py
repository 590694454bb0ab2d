"""The sơ kết report's own parts, as text, from the report context.

The Word draft (``word.py``) is the review report the bloc's office edits, signs and
sends, in the recognised structure of a sơ kết report of a Party resolution
(docs/domain.md): I. leadership and dissemination; II. results against the three targets
and the four task groups, and the pilots; III. general assessment (strengths; limitations
and shortcomings; causes; lessons); IV. tasks ahead; V. proposals. This module writes the
parts the data can fill, as facts (never as the committee's judgement), and lists the
data points beside each placeholder of a part only people can write.

Every value comes from the context ``context.build_context`` returns (the PDF's numbers,
already formatted); ``facts`` is the one place that reads its keys, so a renamed key is
reconciled here alone.
"""

from __future__ import annotations

from typing import Any


RESOLUTION = "Nghị quyết 01-NQ/ĐUK"
# readings.goal_rows's plain reading of a change → how the draft says it
MOVED = "tiến bộ"
DOWN = "đi xuống"
FLAT = "chưa thấy thay đổi rõ"
NO_DATA = "không đủ số liệu"
TASK_GROUPS_VI = {
    1: "Nhóm nhiệm vụ 1 – Tăng cường lãnh đạo, nâng cao nhận thức",
    2: "Nhóm nhiệm vụ 2 – Xây dựng đội ngũ cán bộ có đạo đức, năng lực, trách nhiệm, chuyên nghiệp",
    3: "Nhóm nhiệm vụ 3 – Xây dựng môi trường văn hóa lành mạnh, đẩy mạnh cải cách hành chính",
    4: "Nhóm nhiệm vụ 4 – Phối hợp, kiểm tra, giám sát, sơ kết, đánh giá",
}


def ranking_sentence(rk: dict) -> str:
    """The grading proposal in one clause, counts from the context's ``ranking``: the sure
    moves up and down ("không đơn vị nào bị đề xuất hạ mức chắc chắn" when there is none,
    "chắc chắn" only when some units near a threshold would move), the units kept, then the
    units near a threshold with where the rule would put them (``review_note``), so that the
    text agrees with the table and chart that show those units at their rule level."""
    note = str(rk.get("review_note") or "")
    sure = "chắc chắn " if note else ""
    no_up, no_down = str(rk.get("n_up")) == "0", str(rk.get("n_down")) == "0"
    if no_up and no_down:
        moves = f"không đơn vị nào {sure}được nâng mức hay bị hạ mức"
    else:
        up = (f"không đơn vị nào {sure}được nâng mức" if no_up else f"{rk.get('n_up')} đơn vị được đề xuất nâng mức")
        down = (f"không đơn vị nào {sure}bị hạ mức" if no_down else f"{rk.get('n_down')} đơn vị bị đề xuất hạ mức")
        moves = f"{up}, {down}"
    return (f"{moves}, {rk.get('n_same')} đơn vị giữ nguyên mức (trên {rk.get('n_units')} đơn vị); "
            f"{rk.get('n_review')} đơn vị có điểm sát ngưỡng cần xem xét riêng{note}")


def _get(ctx: dict, key: str) -> dict:
    value = ctx.get(key)
    return value if isinstance(value, dict) else {}


def facts(ctx: dict) -> dict[str, Any]:
    """Every context key the Word draft reads, in one place (values as the context has them).

    Where the leaders' part of the context (``leaders``: the PDF's answer page) carries a
    value the draft needs (the pilots' levels on the verdicts' basis, each pilot against its
    block, the grades and their meaning, the two-methods sentence, issue 28's extra
    dissemination lines), that is read; otherwise the draft falls back on ``pilots`` and
    ``pilot_units``."""
    review, scope, cover = _get(ctx, "review"), _get(ctx, "scope"), _get(ctx, "cover")
    ro, ins, rk = _get(ctx, "rollout"), _get(ctx, "inspections"), _get(ctx, "ranking")
    dq, pilots, comp = _get(ctx, "data_quality"), _get(ctx, "pilots"), _get(ctx, "comparisons")
    prov, leaders = _get(ctx, "provenance"), _get(ctx, "leaders")
    indices = ctx.get("public_indices")
    return {
        "is_sample": bool(ctx.get("is_sample")),
        "review": {k: str(review.get(k) or "") for k in ("title", "title_upper", "title_sentence", "noun",
                                                         "next_review")},
        "cover": {k: str(cover.get(k) or "") for k in ("number", "place_date", "date", "subject")},
        "scope": {k: scope.get(k) for k in ("n_units", "n_pilot", "n_rest", "n_blocks", "baseline", "post",
                                            "periods", "n_periods")},
        "rollout": {k: ro.get(k) for k in ("study_rate", "action_programme_share", "office_layout_share",
                                           "at_post", "on_time")},
        # issue 28: personal and department plans (lines when a 2018 form carried them), commendations
        "leadership_extra": [str(x) for x in leaders.get("leadership_extra") or []],
        "commended": {"rows": list(_get(ctx, "commended").get("rows") or []),
                      "sentence": str(_get(ctx, "commended").get("sentence") or ""),
                      "sentence_here": str(_get(ctx, "commended").get("sentence_here") or "")},
        "goals": list(ctx.get("goals") or []),
        "pilots": {"answer": str(pilots.get("answer") or ""), "rows": list(pilots.get("rows") or []),
                   "placebo": str(pilots.get("placebo") or ""), "adoption": list(pilots.get("adoption") or []),
                   "sensitivity": list(pilots.get("sensitivity") or [])},
        "verdicts": _verdicts(leaders.get("outcomes"), pilots.get("rows")),
        "outcomes_basis": str(leaders.get("outcomes_basis") or ""),
        "group_basis": str(leaders.get("group_basis") or ""),
        "bloc_basis": str(leaders.get("bloc_basis") or ""),
        "bias_notes": [str(n) for n in leaders.get("bias_notes") or []],
        "grades": [g for g in leaders.get("grades") or [] if isinstance(g, dict)],
        "two_methods": str(leaders.get("two_methods") or ""),
        "pilot_units": _pilot_units(leaders.get("pilot_units")),
        # a large bloc (issue 27): each shortened list's summary, and the full lists the counts come from
        "lists": {k: {"note": str(v.get("note") or ""), "total": int(v.get("total") or 0),
                      "where": str(v.get("where") or "")}
                  for k, v in (ctx.get("lists") or {}).items()},
        "pilot_units_all": _pilot_units(_full(ctx, "pilot_units", leaders.get("pilot_units"))),
        "late_units_all": list(_full(ctx, "late_units", dq.get("late_units"))),
        "per_block_label": str(leaders.get("pilot_units_indicator") or comp.get("per_block_label") or ""),
        "comparisons": {"level_gap": list(comp.get("level_gap") or [])},
        "inspections": {k: ins.get(k) for k in ("n_rounds", "n_inspections", "mean_total", "weakest", "criteria",
                                                "rating_order", "ratings")},
        "weakest_scores": (str(ins.get("weakest_scores")) if ins.get("weakest_scores")
                           else f"bình quân {ins.get('weakest_mean')}/10"),
        "ranking": {k: rk.get(k) for k in ("year", "n_units", "n_up", "n_down", "n_same", "n_review", "review_note",
                                           "review_steps",
                                           "rules", "moves", "levels", "matrix", "good_practices", "n_good",
                                           "band_z", "q_max")},
        "data_quality": {k: dq.get(k) for k in ("headline", "reports", "completeness", "late_units", "by_reason",
                                                "by_kind", "skipped")},
        "totals": dict(prov.get("totals") or {}),
        "public_indices": list((indices.get("rows") if isinstance(indices, dict) else indices) or []),
        "public_indices_note": str(indices.get("note") or "") if isinstance(indices, dict)
        else str(ctx.get("public_indices_note") or ""),
        "weights": list(ctx.get("weights") or []),
        "settings_source": str(_get(ctx, "settings").get("source") or prov.get("settings_source") or ""),
        "settings_sha": str(_get(ctx, "settings").get("sha256") or prov.get("settings_sha") or ""),
        "figures": dict(ctx.get("figures") or {}),
    }


def _full(ctx: dict, key: str, rows) -> list[dict]:
    """A per-unit list whole: its full rows when the context shortened it (``lists``), else ``rows``."""
    entry = (ctx.get("lists") or {}).get(key)
    return list(entry.get("full") or []) if entry else list(rows or [])


def _some(items: list[str], summarised: bool, limit: int = 12) -> str:
    """``items`` joined by "; "; for a shortened list, the first ``limit`` and how many more."""
    more = len(items) - limit if summarised else 0
    return "; ".join(items[:limit] if more > 0 else items) + (f" và {more} đơn vị khác" if more > 0 else "")


def _verdicts(outcomes, rows) -> list[dict]:
    """One row per indicator: label, grade (with its note), the pilots' and the others'
    levels before → after and the difference of the changes (when the context has them)."""
    if outcomes:
        return [{"label": r.get("row_label") or r.get("label"), "verdict": r.get("verdict_full") or r.get("verdict"),
                 "pilot": r.get("pilot"), "rest": r.get("rest"), "difference": r.get("difference")} for r in outcomes]
    return [{"label": r.get("label"), "verdict": r.get("verdict")} for r in rows or []]


def _pilot_units(leaders_rows) -> list[dict]:
    """Each pilot with its block, its levels and its block's others' levels (the leaders'
    table, ``leaders.pilot_units``), and whether it fell behind them (its reading)."""
    return [{"unit": r.get("unit"), "block": r.get("block"), "pilot": r.get("levels"), "rest": r.get("rest"),
             "diff": r.get("difference"), "behind": bool(r.get("behind"))} for r in leaders_rows or []]


# ----------------------------------------------------------------------------- sentences


def _labelled(g: dict) -> str:
    """A goal row's label where its levels follow: with the unit of a count averaged over
    units ("… (mô hình/đơn vị)"), so "0,3 → 1,5" never stands without one."""
    return str(g.get("table_label") or g.get("label"))


def goal_sentence(g: dict, baseline: str, post: str) -> str:
    """One indicator's levels and change in words: "Tỷ lệ …: 85,6% (kỳ gốc) → 88,2% (…), +2,4 điểm %; tiến bộ.";
    an indicator with no baseline (``no_baseline``): its final-period level and the units it is over."""
    if g.get("no_baseline"):
        return (f"{_labelled(g)}: {g.get('post')} ({post}, bình quân {g.get('n')} đơn vị có số liệu); chỉ tiêu "
                "chưa có ở kỳ gốc nên chưa đánh giá thay đổi.")
    if g.get("reading") == NO_DATA:
        only = f"; chỉ có số liệu kỳ {post}: {g.get('post')}" if g.get("post") not in (None, "", "–") else ""
        return f"{_labelled(g)}: chưa đủ số liệu hai kỳ để so sánh{only}."
    return (f"{_labelled(g)}: {g.get('baseline')} ({baseline}) → {g.get('post')} ({post}), thay đổi "
            f"{g.get('change')} {g.get('unit')} (đánh giá trên {g.get('n')} đơn vị có số liệu cả hai kỳ); "
            f"{g.get('reading')}.")


def goals_of(f: dict, *, goal: int | None = None, task_group: int | None = None) -> list[dict]:
    """The goal rows of goal ``goal`` or of task group ``task_group``."""
    return [g for g in f["goals"] if (goal is not None and g.get("goal") == goal)
            or (task_group is not None and g.get("task_group") == task_group)]


def _names(rows: list[dict], limit: int = 12) -> str:
    names = [f"{r.get('unit')} ({r.get('block')})" for r in rows]
    more = len(names) - limit
    return "; ".join(names[:limit]) + (f" và {more} đơn vị khác" if more > 0 else "")


def pilots_named(f: dict) -> str:
    """The pilots by name and block (a large bloc: their number by block and where the list is)."""
    units = f["pilot_units"]
    if not units:
        return ""
    if "pilot_units" in f["lists"]:
        return f["lists"]["pilot_units"]["note"]
    named = "; ".join(f"{u.get('unit')} (khối {u.get('block')})" for u in units)
    return f"{len(units)} đơn vị làm điểm: {named}."


def strengths(f: dict) -> list[str]:
    """Where the data show progress (facts; the committee's assessment is its own)."""
    s, ro, ins = f["scope"], f["rollout"], f["inspections"]
    out = [f"{_labelled(g)}: {g.get('baseline')} → {g.get('post')} ({g.get('change')} {g.get('unit')})."
           for g in f["goals"] if g.get("reading") == MOVED]
    out.append(f"Đến {s.get('post')}: {ro.get('study_rate')} cán bộ, công chức, viên chức, người lao động đã được học "
               f"tập, quán triệt Nghị quyết; {ro.get('action_programme_share')} đơn vị có chương trình hành động; "
               f"{ro.get('office_layout_share')} đơn vị hoàn thành bài trí công sở.")
    if ins.get("n_inspections") not in (None, "", "0"):
        out.append(f"Đã kiểm tra, giám sát {ins.get('n_inspections')} lượt trong {ins.get('n_rounds')} đợt, điểm bình "
                   f"quân {ins.get('mean_total')}/100.")
    better = [r for r in f["pilots"]["rows"] if r.get("code") == "better"]
    if better:
        out.append("Đơn vị điểm chuyển biến rõ hơn các đơn vị còn lại ở: "
                   + "; ".join(_lower_first(str(r.get("label"))) for r in better) + ".")
    ahead = [u for u in f["pilot_units_all"] if not u.get("behind") and u.get("diff") not in (None, "", "–")]
    if ahead:
        out.append(f"Đơn vị điểm có mức thay đổi {_lower_first(f['per_block_label'])} tốt hơn mức chung của các đơn vị "
                   "cùng "
                   f"khối (mỗi khối một đơn vị điểm nên chênh lệch dao động nhiều; số liệu tham khảo, không phải kết "
                   f"luận): "
                   + _some([f"{u.get('unit')} ({u.get('diff')})" for u in ahead], "pilot_units" in f["lists"]) + ".")
    return out


def limitations(f: dict) -> list[str]:
    """What did not move, the weakest inspection criterion, who reported late or not at all,
    pilots behind their block (facts from the data)."""
    ins, dq = f["inspections"], f["data_quality"]
    out = [f"{_labelled(g)}: {g.get('baseline')} → {g.get('post')}, {g.get('reading')}."
           for g in f["goals"] if g.get("reading") in (FLAT, DOWN)]
    new = [f"{g.get('label')} ({g.get('post')})" for g in f["goals"] if g.get("no_baseline")]
    if new:
        out.append("Chưa có ở kỳ gốc nên chưa đánh giá được thay đổi (mức kỳ cuối trong ngoặc): "
                   + "; ".join(new) + ".")
    thin = [str(g.get("label")) for g in f["goals"] if g.get("reading") == NO_DATA and not g.get("no_baseline")]
    if thin:
        out.append("Chưa đủ số liệu hai kỳ để đánh giá: " + "; ".join(thin) + ".")
    if ins.get("weakest") not in (None, "", "–"):
        out.append(f"Tiêu chí kiểm tra có điểm thấp nhất: {ins.get('weakest')} ({f['weakest_scores']}).")
    late = list(f["late_units_all"])
    missing = [u for u in late if u.get("missing")]
    if late:
        out.append(f"{len(late)} đơn vị nộp báo cáo định kỳ muộn hoặc không nộp ít nhất một kỳ"
                   + (f", trong đó {len(missing)} đơn vị không nộp: {_names(missing)}" if missing else "")
                   + (f" (danh sách đầy đủ: {f['lists']['late_units']['where']})." if "late_units" in f["lists"]
                      else " (danh sách đầy đủ ở Phụ lục)."))
    behind = [u for u in f["pilot_units_all"] if u.get("behind")]
    if behind:
        out.append(f"Đơn vị điểm có mức thay đổi {_lower_first(f['per_block_label'])} kém hơn mức chung của các đơn vị "
                   "cùng "
                   f"khối (mỗi khối một đơn vị điểm nên chênh lệch dao động nhiều; số liệu tham khảo, cần xem xét thêm "
                   f"ở từng đơn vị): "
                   + _some([f"{u.get('unit')} (khối {u.get('block')}, {u.get('diff')})" for u in behind],
                           "pilot_units" in f["lists"]) + ".")
    worse = [r for r in f["pilots"]["rows"] if r.get("code") == "worse"]
    if worse:
        out.append("Đơn vị điểm chuyển biến chậm hơn rõ rệt so với các đơn vị còn lại ở: "
                   + "; ".join(_lower_first(str(r.get("label"))) for r in worse) + ".")
    if dq.get("headline"):
        out.append(f"Chất lượng số liệu: {dq.get('headline')}")
    return out


def causes_points(f: dict) -> list[str]:
    """The draft's bullet points on the causes of strengths and shortcomings (for the committee to complete)."""
    return ["nguyên nhân khách quan và chủ quan của ưu điểm (xem mục III.1);",
            "nguyên nhân khách quan và chủ quan của hạn chế, khuyết điểm, nhất là các chỉ tiêu chưa chuyển biến, tiêu "
            f"chí kiểm tra yếu nhất ({f['inspections'].get('weakest')}) và các đơn vị nộp báo cáo muộn (xem mục "
            "III.2);",
            *(["ý kiến của các đơn vị điểm có mức thay đổi dưới mức chung của khối (mục II.3)."]
              if any(u.get("behind") for u in f["pilot_units_all"]) else [])]


def lessons_points(f: dict) -> list[str]:
    """The draft's bullet points on lessons learnt."""
    return [("cách làm của các đơn vị có chuyển biến rõ và các cách làm hay đề xuất nhân rộng (mục V);"
             if f["ranking"].get("good_practices") else "cách làm của các đơn vị có chuyển biến rõ;"),
            "kinh nghiệm từ việc làm điểm: đơn vị điểm đi trước ở các bước triển khai (Phụ lục);",
            "kinh nghiệm về chế độ báo cáo và kiểm tra, giám sát (chất lượng số liệu, Phụ lục)."]


def tasks_points(f: dict) -> list[str]:
    """The draft's bullet points on the tasks ahead, from the indicators not yet moving, roll-out and inspections."""
    s, ro, ins = f["scope"], f["rollout"], f["inspections"]
    flat = [str(g.get("label")) for g in f["goals"] if g.get("reading") in (FLAT, DOWN)]
    out = []
    if flat:
        out.append("các chỉ tiêu chưa chuyển biến: " + "; ".join(flat) + ";")
    out += [f"học tập, quán triệt: {ro.get('study_rate')} CBCCVC đã học tập đến {s.get('post')};",
            f"bài trí công sở: {ro.get('office_layout_share')} đơn vị đã hoàn thành;",
            f"tiêu chí kiểm tra yếu nhất: {ins.get('weakest')};",
            f"đôn đốc chế độ báo cáo: {len(f['late_units_all'])} đơn vị nộp muộn hoặc không nộp;",
            f"mốc đánh giá tiếp theo: {f['review'].get('next_review')}."]
    return out


def _lower_first(label: str) -> str:
    """An indicator's name inside a sentence: its first letter in lower case, abbreviations
    (TTHC, CBCCVC) and proper names (Nghị quyết 01) kept as written."""
    return label[:1].lower() + label[1:]
