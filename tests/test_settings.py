"""Settings: found in the documented order, checked before any work, recorded, and the
review's name and file names following [review] kind and the window."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pydantic
import pytest

from vhcs_analysis import settings as settings_module
from vhcs_analysis.config import PACKAGE_DIR
from vhcs_analysis.errors import ConfigError
from vhcs_analysis.settings import (
    IGNORE_FOUND_ENV,
    Settings,
    SettingsSource,
    load,
    package_defaults,
    report_basename,
    review_naming,
    settings_source,
    window_gap,
)

ELEVEN = ["2016-H2", "2017-H1", "2017-H2", "2018-H1", "2018-H2", "2019-H1", "2019-H2",
          "2020-H1", "2020-H2", "2021-H1", "2021-H2"]


@pytest.fixture
def no_config(monkeypatch, tmp_path):
    """The settings search on (conftest's isolation lifted), no VHCS_CONFIG, an empty working
    folder, and a project root without vhcs.toml (all restored afterwards)."""
    monkeypatch.delenv(IGNORE_FOUND_ENV, raising=False)
    monkeypatch.delenv("VHCS_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "du-an"
    root.mkdir()
    monkeypatch.setattr(settings_module, "find_project_root", lambda start=None: root)
    return tmp_path


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- discovery


def test_find_settings_file__order_is_flag_then_env_then_working_folder(no_config, monkeypatch):
    work = no_config
    local = _write(work / "vhcs.toml", "[review]\nreport_place = 'A'\n")
    env = _write(work / "env.toml", "[review]\nreport_place = 'B'\n")
    flag = _write(work / "flag.toml", "[review]\nreport_place = 'C'\n")
    assert settings_source().path == local.resolve()
    monkeypatch.setenv("VHCS_CONFIG", str(env))
    assert settings_source().path == env.resolve()
    assert settings_source(flag).path == flag.resolve()
    assert settings_source(flag).how == "--config"


def test_load__reads_vhcs_toml_in_the_working_folder(no_config):
    _write(no_config / "vhcs.toml", "[review]\nreport_place = 'Nghệ An'\n")
    assert load().record()["values"]["review"]["report_place"] == "Nghệ An"


def test_find_settings_file__named_file_missing_is_an_error(no_config):
    with pytest.raises(ConfigError, match="không tìm thấy tệp cấu hình"):
        settings_source(no_config / "khong-co.toml")


def test_settings_record__name_sha256_and_merged_values(no_config):
    path = _write(no_config / "vhcs.toml", "[review]\nreport_place = 'Nghệ An'\n")
    record = load().record()
    assert record["source"] == "vhcs.toml"
    assert record["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert record["values"]["review"]["report_place"] == "Nghệ An"
    assert record["values"]["review"]["post"] == "2018-H2"  # merged over the defaults
    json.dumps(record)  # plain JSON


def test_settings_record__defaults_alone_have_no_source(no_config):
    record = load().record()
    assert record["source"] is None and record["sha256"] is None
    assert record["values"]["review"]["kind"] == "so-ket"


# ----------------------------------------------------------------------------- checking

BAD = {
    "unknown_section": ("[reviw]\npost = '2018-H1'\n", "[reviw]"),
    "unknown_key": ("[review]\npots = '2018-H1'\n", "[review] pots"),
    "reversed_periods": ("[review]\nperiods = ['2018-H2', '2018-H1', '2017-H2', '2017-H1', '2016-H2']\n",
                         "[review] periods"),
    "shuffled_periods": ("[review]\nperiods = ['2016-H2', '2017-H2', '2017-H1', '2018-H1', '2018-H2']\n",
                         "[review] periods"),
    "post_not_in_periods": ("[review]\npost = '2022-H1'\n", "[review] post"),
    "baseline_not_in_periods": ("[review]\nbaseline = '2015-H2'\n", "[review] baseline"),
    "baseline_after_post": ("[review]\nbaseline = '2018-H2'\npost = '2017-H1'\n", "[review] post"),
    "threshold_out_of_range": ("[cleaning]\nfuzzy_accept = 120\n", "[cleaning] fuzzy_accept"),
    "rating_threshold_out_of_range": ("[inspection]\nrating_thresholds = { 'Tốt' = 185 }\n",
                                      "[inspection] rating_thresholds"),
    "share_out_of_range": ("[ranking]\nexcellent_share_cap = 1.5\n", "[ranking] excellent_share_cap"),
    "unknown_kind": ("[review]\nkind = 'tongket'\n", "[review] kind"),
    "unknown_main_indicator": ("[report]\nmain_indicator = 'oc_idx'\n", "[report] main_indicator"),
    "unknown_event_study_indicator": ("[plots]\nevent_study_indicators = ['oc_index', 'x']\n",
                                      "[plots] event_study_indicators"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_load__bad_file_names_the_file_and_the_key(no_config, case):
    text, key = BAD[case]
    _write(no_config / "vhcs.toml", text)
    with pytest.raises(ConfigError) as err:
        load()
    assert "vhcs.toml" in str(err.value) and key in str(err.value)


@pytest.mark.parametrize(("text", "words"), [
    ("x=\n", "sai cú pháp TOML ở dòng 1, cột 3"),
    ("[review]\nkind = 'tongket'\n", "phải là một trong 'so-ket' hoặc 'tong-ket'"),
    ("\udcff", "không phải văn bản UTF-8"),
])
def test_load__why_a_file_is_bad_is_said_in_vietnamese(no_config, text, words):
    (no_config / "vhcs.toml").write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(ConfigError) as err:
        load()
    message = str(err.value)
    assert words in message and "vhcs.toml" in message
    assert not any(english in message for english in ("Invalid", "codec", " or "))  # Python's and pydantic's words


def test_load__extended_window_is_accepted(no_config):
    _write(no_config / "vhcs.toml",
           f"[review]\nkind = 'tong-ket'\nperiods = {ELEVEN!r}\npost = '2021-H2'\n")
    review = load().record()["values"]["review"]
    assert review["periods"] == ELEVEN and review["kind"] == "tong-ket"


def test_load__removed_per_block_indicator_is_refused_naming_it_and_the_key_to_use(no_config):
    _write(no_config / "vhcs.toml", "[plots]\nper_block_indicator = 'study_rate'\n")
    with pytest.raises(ConfigError) as err:
        load()
    message = str(err.value)
    assert "vhcs.toml" in message and "[plots] per_block_indicator" in message and "đã bỏ" in message
    assert "[report] main_indicator" in message


def test_load__one_frozen_settings_object_per_file_version(no_config):
    path = _write(no_config / "vhcs.toml", "[report]\nmain_indicator = 'study_rate'\n")
    first = load()
    assert isinstance(first, Settings) and first.report.main_indicator == "study_rate"
    assert load() is first  # loaded once, not per call
    with pytest.raises(pydantic.ValidationError):  # frozen
        first.report.main_indicator = "oc_index"
    _write(path, "[report]\nmain_indicator = 'on_time_rate'\n")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert load().report.main_indicator == "on_time_rate"  # an edited file is read again
    assert load(no_config / "vhcs.toml").report.main_indicator == "on_time_rate"  # --config


def test_model__names_every_key_of_defaults_toml_and_no_other():
    import tomllib

    defaults = tomllib.loads((Path(PACKAGE_DIR) / "defaults.toml").read_text("utf-8"))
    model = {name: set(field.annotation.model_fields) for name, field in Settings.model_fields.items()}
    assert model == {section: set(keys) for section, keys in defaults.items()}


def test_headline_indicator__one_key_in_defaults_model_and_docs():
    root = Path(PACKAGE_DIR).parent
    texts = [p.read_text("utf-8") for p in [*Path(PACKAGE_DIR).rglob("*.py"), *root.glob("docs/*.md"),
                                            root / "README.md", Path(PACKAGE_DIR) / "defaults.toml"]
             if p.name != "settings.py"]  # settings.py names it once, in REMOVED_KEYS
    assert not [t for t in texts if "per_block_indicator" in t]
    assert "main_indicator" in Settings.model_fields["report"].annotation.model_fields


def _vhcs(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("VHCS_CONFIG", "VHCS_DEBUG", IGNORE_FOUND_ENV)}
    return subprocess.run([sys.executable, "-m", "vhcs_analysis", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("case", sorted(BAD))
def test_cli_report__bad_settings_exit_2_in_seconds_without_output(tmp_path, case):
    text, key = BAD[case]
    _write(tmp_path / "sai.toml", text)
    (tmp_path / "raw").mkdir()
    started = time.monotonic()
    done = _vhcs(["report", "--raw", "raw", "--out", "out", "--config", "sai.toml"], tmp_path)
    assert time.monotonic() - started < 30  # seconds, not the half-minute of a build
    assert done.returncode == 2, done.stderr
    assert "sai.toml" in done.stderr and key in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [["clean", "--raw", "raw", "--out", "out"], ["template", "--out", "out"],
                                     ["sample", "--out", "out"], ["validate", "raw"]])
def test_cli__every_command_checks_the_working_folder_settings_first(tmp_path, command):
    _write(tmp_path / "vhcs.toml", BAD["post_not_in_periods"][0])
    (tmp_path / "raw").mkdir()
    done = _vhcs(command, tmp_path)
    assert done.returncode == 2
    assert "vhcs.toml" in done.stderr and "[review] post" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not (tmp_path / "out").exists()


def test_cli_template__prints_the_settings_file_and_lists_its_periods(tmp_path):
    _write(tmp_path / "cau-hinh.toml", f"[review]\nperiods = {ELEVEN!r}\npost = '2021-H2'\n")
    done = _vhcs(["template", "--out", "bieu", "--config", "cau-hinh.toml"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "cau-hinh.toml" in done.stderr
    from openpyxl import load_workbook

    for name in ("Bieu_01-VHCS_tong_hop.xlsx", "Bieu_01-VHCS_don_vi.xlsx"):
        listed = _period_drop_down(load_workbook(tmp_path / "bieu" / name))
        assert listed[0] == "6 tháng cuối năm 2016" and listed[-1] == "6 tháng cuối năm 2021"
        assert len(listed) == 11


def _period_drop_down(wb) -> list[str]:
    """The choices of the 'Kỳ báo cáo' drop-down, in-cell or on a hidden list sheet (the
    template may also carry the registry's unit names as another hidden list)."""
    ws = wb.worksheets[0]
    for dv in ws.data_validations.dataValidation:
        formula = dv.formula1 or ""
        if formula.startswith('"'):
            choices = formula.strip('"').split(",")
        elif "!" in formula:
            sheet, cells = formula.split("!")
            column = cells.replace("$", "")[0]
            choices = [c.value for c in wb[sheet.strip("'")][column] if c.value is not None]
        else:
            continue
        if choices and all("tháng" in str(c) for c in choices):
            return choices
    raise AssertionError("no period drop-down")


def test_write_templates__long_period_list_goes_to_a_hidden_sheet(no_config, tmp_path):
    from openpyxl import load_workbook

    from vhcs_analysis.io.templates import write_templates

    periods = [f"{y}-H{h}" for y in range(2016, 2026) for h in (1, 2)][1:]  # 19 periods, > 255 characters
    _write(no_config / "vhcs.toml", f"[review]\nperiods = {periods!r}\npost = '2025-H2'\n")
    write_templates(tmp_path / "bieu", settings=load())
    wb = load_workbook(tmp_path / "bieu" / "Bieu_01-VHCS_don_vi.xlsx")
    assert wb["Danh sách kỳ"].sheet_state == "hidden"
    assert _period_drop_down(wb)[-1] == "6 tháng cuối năm 2025" and len(_period_drop_down(wb)) == 19


# ----------------------------------------------------------------------------- naming


def test_review_naming__interim_two_years():
    name = review_naming({"kind": "so-ket", "baseline": "2016-H2", "post": "2018-H2"})
    assert name["title_upper"] == "SƠ KẾT 2 NĂM"
    assert name["title"] == "sơ kết 2 năm"


def test_review_naming__final_five_years():
    name = review_naming({"kind": "tong-ket", "baseline": "2016-H2", "post": "2021-H2"})
    assert name["title_upper"] == "TỔNG KẾT 5 NĂM"
    assert "sơ kết" not in name["next_review"]


def test_review_naming__odd_half_years_in_vietnamese_decimals():
    assert review_naming({"kind": "so-ket", "baseline": "2016-H2", "post": "2019-H1"})["title"] == "sơ kết 2,5 năm"


def test_report_basename__follows_kind():
    assert report_basename({"kind": "tong-ket"}) == "bao-cao-tong-ket-nq01"
    assert report_basename({"kind": "so-ket"}) == "bao-cao-so-ket-nq01"


def test_report_name__default_settings_keep_the_interim_name(no_config):
    from vhcs_analysis.report import build

    assert build.report_name(load()) == "bao-cao-so-ket-nq01.pdf"


def test_window_gap__post_after_the_data_names_the_periods_found():
    message = window_gap(["2017-H1", "2016-H2"], {"baseline": "2016-H2", "post": "2022-H1"})
    assert "post = 2022-H1" in message and "2016-H2, 2017-H1" in message
    assert window_gap(["2016-H2", "2022-H1"], {"baseline": "2016-H2", "post": "2022-H1"}) is None


def test_settings_source__describes_defaults_in_vietnamese():
    assert "mặc định" in SettingsSource(None, "mặc định").describe()


def test_load__unquoted_toml_date_is_accepted_and_recorded_as_text(no_config):
    _write(no_config / "vhcs.toml", "[review]\nreport_date = 2022-01-15\n")
    assert str(load().record()["values"]["review"]["report_date"]) == "2022-01-15"
    assert load().record()["values"]["review"]["report_date"] == "2022-01-15"


# ----------------------------------------------------------------------------- values and isolation


def test_find_settings_file__project_root_after_the_working_folder(no_config):
    root = settings_module.find_project_root()
    at_root = _write(root / "vhcs.toml", "[review]\nreport_place = 'A'\n")
    assert settings_source().path == at_root.resolve() and settings_source().how == "thư mục dự án"
    local = _write(no_config / "vhcs.toml", "[review]\nreport_place = 'B'\n")
    assert settings_source().path == local.resolve()


def test_from_values__merged_over_the_defaults_like_a_file(no_config):
    text = "[review]\nkind = 'tong-ket'\nreport_date = 2022-01-15\n[compare]\nfamily = ['oc_index']\n"
    from_file = load(_write(no_config / "cau-hinh.toml", text))
    from_values = Settings.from_values({"review": {"kind": "tong-ket", "report_date": "2022-01-15"},
                                        "compare": {"family": ["oc_index"]}})
    assert from_values.model_dump() == from_file.model_dump()
    assert from_values.record()["values"] == from_file.record()["values"]
    assert from_values.record()["source"] is None and from_values.record()["sha256"] is None


def test_from_values__nothing_given_is_the_package_defaults():
    assert Settings.from_values({}).model_dump() == package_defaults().model_dump()
    assert Settings.from_values({}).record() == package_defaults().record()


@pytest.mark.parametrize("case", sorted(BAD))
def test_from_values__bad_values_are_refused_naming_the_source_and_the_key(tmp_path, case):
    import tomllib

    text, key = BAD[case]
    with pytest.raises(ConfigError) as err:
        Settings.from_values(tomllib.loads(text), name="manifest.json")
    assert "manifest.json" in str(err.value) and key in str(err.value)


def test_from_values__does_not_share_the_callers_lists():
    family = ["oc_index"]
    settings = Settings.from_values({"compare": {"family": family}})
    family.append("study_rate")
    assert settings.compare.family == ["oc_index"]


HOSTILE = "[revew]\nkind = 'tong-ket'\n"  # a typo: read, it would stop every command


def test_isolation__tests_never_read_a_vhcs_toml_found_by_the_search(tmp_path, monkeypatch):
    root = tmp_path / "du-an"
    root.mkdir()
    _write(root / "vhcs.toml", HOSTILE)
    local = _write(tmp_path / "vhcs.toml", HOSTILE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(settings_module, "find_project_root", lambda start=None: root)
    assert os.environ.get(IGNORE_FOUND_ENV) == "1" and "VHCS_CONFIG" not in os.environ  # conftest's fixture
    assert settings_source().path is None
    assert load().record() == package_defaults().record()
    # a command a test starts inherits the isolation
    done = subprocess.run([sys.executable, "-c", "from vhcs_analysis.settings import load; "
                           "print(load().review.kind)"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "so-ket", done.stderr
    # the isolation, not the files' absence, kept them out: lifted, the search finds them
    monkeypatch.delenv(IGNORE_FOUND_ENV)
    assert settings_source().path == local.resolve()
    with pytest.raises(ConfigError, match=r"\[revew\]"):
        load()


def test_isolation__a_variable_a_command_sets_is_removed_with_the_test():
    from conftest import _isolate_settings

    assert "VHCS_CONFIG" not in os.environ
    with pytest.MonkeyPatch.context() as mp:
        _isolate_settings(mp)
        os.environ["VHCS_CONFIG"] = "left-by-a-command.toml"  # as `vhcs` run in-process sets it
    assert "VHCS_CONFIG" not in os.environ
