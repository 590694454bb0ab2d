"""The command-line framework's own words in Vietnamese: usage lines, panel headings, the
help option, "did you mean", missing/invalid option messages.

Typer (with the copy of click it carries) writes these in English and offers no
translation catalogue for most of them, so the ``vhcs`` app uses the group and command
classes below (``typer.Typer(cls=VietnameseGroup)``, ``@app.command(cls=VietnameseCommand)``):
they write the usage line and the help option in Vietnamese and turn every usage error
into a Vietnamese one before typer prints it. The panel headings and hints are typer's
``rich_utils`` constants, set once by ``install``. ``tests/test_cli_vietnamese.py`` runs
every ``--help`` and the usual mistakes and fails on any English framework string, so a
typer upgrade that moves these hooks is caught.
"""

from __future__ import annotations

import re
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, get_args, get_origin

from typer import rich_utils
from typer._click import exceptions as click_exceptions
from typer.core import TyperArgument, TyperCommand, TyperGroup

USAGE_PREFIX = "Cách dùng: "
OPTIONS_METAVAR = "[TÙY CHỌN]"
SUBCOMMAND_METAVAR = "LỆNH [TÙY CHỌN]..."
HELP_OPTION_HELP = "Hiện hướng dẫn này rồi thoát."

# typer.rich_utils reads these module constants each time it prints
RICH_CONSTANTS = {
    "ARGUMENTS_PANEL_TITLE": "Đối số",
    "OPTIONS_PANEL_TITLE": "Tùy chọn",
    "COMMANDS_PANEL_TITLE": "Lệnh",
    "ERRORS_PANEL_TITLE": "Lỗi",
    "ABORTED_TEXT": "Đã dừng.",
    "RICH_HELP": "Gõ [blue]'{command_path} {help_option}'[/] để xem hướng dẫn.",
    "DEFAULT_STRING": "[mặc định: {}]",
    "ENVVAR_STRING": "[biến môi trường: {}]",
    "REQUIRED_LONG_STRING": "[bắt buộc]",
    "DEPRECATED_STRING": "(không dùng nữa) ",
}

# what a value must look like, by the parameter's annotation (help column and errors)
TYPE_LABELS = {int: "số nguyên", float: "số", str: "chữ", Path: "đường dẫn"}

# usage errors raised as plain messages (no dedicated exception class)
_EXTRA_ARGS = re.compile(r"^Got unexpected extra argument(?:\(s\)|s)? \((?P<args>.*)\)$", re.S)
_REQUIRES = re.compile(r"^Option '(?P<opt>[^']+)' requires (?P<n>an|\d+) arguments?\.?$")
_NO_VALUE = re.compile(r"^Option '(?P<opt>[^']+)' does not take a value\.?$")
_TAKES = re.compile(r"^Argument '(?P<arg>[^']+)' takes (?P<n>\d+) values\.?$")


def install() -> None:
    """Set typer's panel headings and hints to Vietnamese (idempotent)."""
    for name, value in RICH_CONSTANTS.items():
        setattr(rich_utils, name, value)


def _type_label(param) -> str | None:
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if get_origin(annotation) is list:
        (annotation,) = get_args(annotation)
    if annotation is bool:
        return None
    for kind, label in TYPE_LABELS.items():
        if isinstance(annotation, type) and issubclass(annotation, kind):
            return label
    return None


def _param_hint(param) -> str:
    if isinstance(param, TyperArgument):
        return f"'{param.display_name_raw}'"
    return " / ".join(f"'{o}'" for o in param.opts)


def vietnamese_message(exc: click_exceptions.UsageError) -> str:
    """The Vietnamese text of a usage error raised by typer/click."""
    param = getattr(exc, "param", None)
    if isinstance(exc, click_exceptions.MissingParameter):
        kind = "đối số" if isinstance(param, TyperArgument) or exc.param_type == "argument" else "tùy chọn"
        return f"Thiếu {kind} {_param_hint(param)}." if param is not None else f"Thiếu {kind}."
    if isinstance(exc, click_exceptions.BadParameter):
        label = _type_label(param)
        what = f"phải là {label}" if label else "không đúng dạng"
        hint = f" cho {_param_hint(param)}" if param is not None else ""
        return f"Giá trị không hợp lệ{hint}: {what}."
    if isinstance(exc, click_exceptions.NoSuchOption):
        text = f"Không có tùy chọn {exc.option_name}."
        if exc.possibilities:
            text += f" Có phải ý bạn là {', '.join(sorted(exc.possibilities))}?"
        return text
    message = exc.message
    if m := _EXTRA_ARGS.match(message):
        return f"Thừa đối số: {m['args']}."
    if m := _REQUIRES.match(message):
        return f"Tùy chọn '{m['opt']}' cần một giá trị." if m["n"] == "an" else \
            f"Tùy chọn '{m['opt']}' cần {m['n']} giá trị."
    if m := _NO_VALUE.match(message):
        return f"Tùy chọn '{m['opt']}' không nhận giá trị."
    if m := _TAKES.match(message):
        return f"Đối số '{m['arg']}' cần {m['n']} giá trị."
    if message.rstrip(".") == "Missing command":
        return "Thiếu lệnh."
    return message


def _vietnamese(exc: click_exceptions.UsageError, ctx) -> click_exceptions.UsageError:
    if isinstance(exc, click_exceptions.NoArgsIsHelpError):
        return exc
    return click_exceptions.UsageError(vietnamese_message(exc), ctx=exc.ctx or ctx)


if TYPE_CHECKING:
    _Base = TyperCommand  # the mixin's methods call a click command's (or group's)
else:
    _Base = object


class _Vietnamese(_Base):
    """What the command and the group share: usage line, help option, parse errors."""

    def _label_params(self) -> None:
        """The value column of the help in Vietnamese (typer writes <int>, <path>, <bool>)."""
        for param in self.params:
            label = _type_label(param)
            text = f"<{label}>" if label else ""
            if isinstance(param, TyperArgument):  # its metavar is its name: only the type column
                text += "..." if text and param.nargs != 1 else ""
                param.display_type_rich = lambda ctx, text=text: text  # type: ignore[method-assign,misc] # per parameter
            elif param.metavar is None:
                param.metavar = text

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=USAGE_PREFIX)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_HELP
            option.metavar = ""
        return option

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except click_exceptions.UsageError as exc:
            raise _vietnamese(exc, ctx) from None


class VietnameseCommand(_Vietnamese, TyperCommand):
    """A typer command whose help and usage errors are in Vietnamese."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["options_metavar"] = OPTIONS_METAVAR
        super().__init__(*args, **kwargs)
        self._label_params()


class VietnameseGroup(_Vietnamese, TyperGroup):
    """The ``vhcs`` group: Vietnamese help, usage errors and "did you mean"."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["options_metavar"] = OPTIONS_METAVAR
        kwargs["subcommand_metavar"] = SUBCOMMAND_METAVAR
        super().__init__(*args, **kwargs)
        self._label_params()
        install()

    def resolve_command(self, ctx, args):
        """Find the sub-command ``args[0]``; an unknown one is a Vietnamese usage error with close matches."""
        name = args[0]
        command = self.get_command(ctx, name)
        if command is None and not ctx.resilient_parsing:
            if name.startswith("-"):
                self.parse_args(ctx, args)  # an unknown option: say so, in Vietnamese
            text = f"Không có lệnh '{name}'."
            matches = get_close_matches(name, list(self.commands))
            if matches:
                text += f" Có phải ý bạn là {', '.join(repr(m) for m in matches)}?"
            raise click_exceptions.UsageError(text, ctx=ctx)
        return (name if command else None), command, args[1:]
