"""Everything the command line prints by itself is Vietnamese: every command's --help,
the usual usage mistakes, the exit codes' meaning; every command that reads settings takes
--config (issue 23)."""

from __future__ import annotations

import inspect
import re

import pytest
from typer.testing import CliRunner

from vhcs_analysis import cli
from vhcs_analysis.cli import app

# the English strings typer and its click write by themselves (help, usage, errors)
ENGLISH = [
    "Usage:", "Options", "Arguments", "Commands", "Show this message and exit", "No such command",
    "Did you mean", "Missing option", "Missing argument", "Missing parameter", "Missing command",
    "Invalid value", "No such option", "Possible options", "requires an argument", "does not take a value",
    "Try '", "for help", "[default:", "[required]", "env var", "Got unexpected extra", "Error", "Aborted",
    "[OPTIONS]", "COMMAND [ARGS]", "<bool>", "<path>", "<int>", "<str>", "list[Path]", "Input should be",
]
COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)
# a usage mistake, the Vietnamese words its message must hold
MISTAKES = [
    (["clen"], "Không có lệnh 'clen'. Có phải ý bạn là 'clean'?"),
    (["sample"], "Thiếu tùy chọn '--out'."),
    (["verify"], "Thiếu tùy chọn '--report'."),
    (["validate"], "Thiếu đối số 'TỆP_HOẶC_THƯ_MỤC'."),
    (["sample", "--out", "x", "--seed", "abc"], "Giá trị không hợp lệ cho '--seed': phải là số nguyên."),
    (["clean", "--raw"], "Tùy chọn '--raw' cần một giá trị."),
    (["clean", "--rwa", "x"], "Không có tùy chọn --rwa. Có phải ý bạn là --raw?"),
    (["--bogus"], "Không có tùy chọn --bogus."),
    (["clean", "a", "b"], "Thừa đối số: a b."),
]


def _invoke(args):
    return CliRunner().invoke(app, args, prog_name="vhcs", env={"COLUMNS": "120", "TERMINAL_WIDTH": "120"})


def _english_in(text: str) -> list[str]:
    return [s for s in ENGLISH if s in text]


def test_commands__are_the_seven_the_readme_names():
    assert COMMANDS == ["clean", "notebooks", "report", "sample", "template", "validate", "verify"]


@pytest.mark.parametrize("args", [["--help"], []] + [[c, "--help"] for c in COMMANDS])
def test_help__has_no_english_framework_string(args):
    result = _invoke(args)
    assert _english_in(result.output) == []
    assert "Cách dùng: vhcs" in result.output and "Tùy chọn" in result.output
    assert "Hiện hướng dẫn này rồi thoát." in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_help__of_every_command_states_what_each_exit_code_means(command):
    text = re.sub(r"\s+", " ", _invoke([command, "--help"]).output)
    assert "Mã thoát: 0:" in text and "2: sai cách dùng" in text and "3: lỗi nội bộ" in text


def test_help__of_validate_and_verify_states_their_exit_code_1():
    assert "1: có dòng sẽ bị loại" in re.sub(r"\s+", " ", _invoke(["validate", "--help"]).output)
    assert "1: có khác biệt" in re.sub(r"\s+", " ", _invoke(["verify", "--help"]).output)


@pytest.mark.parametrize(("args", "message"), MISTAKES, ids=[" ".join(a) for a, _ in MISTAKES])
def test_usage_mistake__is_told_in_vietnamese_with_exit_2(args, message):
    result = _invoke(args)
    assert result.exit_code == 2
    text = re.sub(r"\s*│\s*", " ", result.output)
    assert message in text
    assert "Lỗi" in text and "để xem hướng dẫn" in text
    assert _english_in(result.output) == []


def test_every_command_that_reads_settings__takes_config():
    without = [c.callback.__name__ for c in app.registered_commands
               if "config" not in inspect.signature(c.callback).parameters]
    assert without == []


def test_verify__config_in_force_is_the_one_given(tmp_path, monkeypatch):
    seen = {}

    def fake_cli_verify(*, report, raw, summary, console, settings):
        seen["alpha"] = settings.compare.alpha
        return 0

    import vhcs_analysis.verify as verify_module

    monkeypatch.setattr(verify_module, "cli_verify", fake_cli_verify)
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_text("[compare]\nalpha = 0.1\n", encoding="utf-8")
    monkeypatch.setenv("VHCS_CONFIG", str(elsewhere))  # also restores the variable the command sets
    config = tmp_path / "vhcs.toml"
    config.write_text("[compare]\nalpha = 0.01\n", encoding="utf-8")
    result = _invoke(["verify", "--report", str(tmp_path), "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert seen["alpha"] == 0.01


def test_exit_codes__the_wrapper_returns_are_the_ones_described():
    source = inspect.getsource(cli._run)
    returned = {int(n) for n in re.findall(r"code = (\d+)", source)}
    assert returned <= set(cli.EXIT_CODES)
