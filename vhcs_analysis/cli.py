"""Command line ``vhcs`` (also ``python -m vhcs_analysis``).

Each command is a thin wrapper: the work is done by a ``cli_*`` function of the module
that owns the stage, which prints with the given rich Console and returns an exit code.
Expected problems (``VhcsError``) become one Vietnamese line naming the file; anything
else becomes one line too (set ``VHCS_DEBUG=1`` for the traceback).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Callable, Optional

import typer
from rich.console import Console
from rich.markup import escape

from vhcs_analysis import __version__
from vhcs_analysis.cli_vi import VietnameseCommand, VietnameseGroup
from vhcs_analysis.errors import VhcsError

if TYPE_CHECKING:
    from vhcs_analysis.config import Paths
    from vhcs_analysis.settings import Settings

app = typer.Typer(
    name="vhcs",
    cls=VietnameseGroup,
    help="Số liệu sơ kết, tổng kết Nghị quyết 01-NQ/ĐUK về văn hóa công sở: "
    "tạo dữ liệu mẫu, làm sạch, kiểm tra tệp, lập báo cáo.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

# what every command's exit code means (``_run``); a command adds its own 1 and, if need be, 0
EXIT_CODES = {
    0: "hoàn tất",
    2: "sai cách dùng, cấu hình sai hoặc đầu vào không dùng được (dòng \"Lỗi:\" nói rõ)",
    3: "lỗi nội bộ (đặt VHCS_DEBUG=1 để xem chi tiết)",
    130: "đã dừng theo yêu cầu (Ctrl+C)",
}


def _command(*, ok: str | None = None, differs: str | None = None):
    """``app.command`` with Vietnamese help and usage errors and, below the help, what each
    exit code means (``ok``: the command's own 0; ``differs``: its 1, if it has one)."""
    codes = {**EXIT_CODES, **({0: ok} if ok else {}), **({1: differs} if differs else {})}
    epilog = "Mã thoát: " + "; ".join(f"{code}: {codes[code]}" for code in sorted(codes)) + "."
    return app.command(cls=VietnameseCommand, epilog=epilog)


console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


ConfigOption = Annotated[
    Optional[Path],
    typer.Option(
        "--config",
        help="Tệp cấu hình TOML (mặc định: biến VHCS_CONFIG, rồi vhcs.toml ở thư mục làm việc, "
        "rồi ở thư mục dự án).",
    ),
]


def _use_settings(config: Path | None) -> Settings:
    """Find the settings file, check it before any work (ConfigError: exit 2), name it and
    return the frozen settings the command runs with. The file found is handed on through
    VHCS_CONFIG, so the notebook kernels (``review.setup``) load the same file."""
    from vhcs_analysis.settings import load, settings_source

    source = settings_source(config)
    settings = load(config)  # a ConfigError stops the command here, before any work
    if source.path is not None:  # the defaults alone: nothing to name, output as before
        os.environ["VHCS_CONFIG"] = str(source.path)
        err_console.print(source.describe(), markup=False, highlight=False, soft_wrap=True)
    return settings


def _run(action: Callable[[Settings], int], config: Path | None = None) -> None:
    """Check the settings, then run a command body with them; turn every failure into one
    readable line and an exit code."""
    try:
        code = action(_use_settings(config))
    except VhcsError as exc:
        err_console.print(f"[bold red]Lỗi:[/] {escape(str(exc))}", markup=True, soft_wrap=True)
        code = 2
    except PermissionError as exc:  # a writer outside io.writers.atomic_path: same message
        from vhcs_analysis.io.writers import locked_output_error

        name = exc.filename2 or exc.filename
        message = str(locked_output_error(name)) if name else "không ghi được tệp: tệp đang mở hoặc không có quyền ghi"
        err_console.print(f"[bold red]Lỗi:[/] {message}", markup=True, soft_wrap=True)
        code = 2
    except KeyboardInterrupt:
        err_console.print("Đã dừng theo yêu cầu.")
        code = 130
    except Exception as exc:  # noqa: BLE001 - the user must never see a traceback
        if os.environ.get("VHCS_DEBUG"):
            raise
        err_console.print(
            f"[bold red]Lỗi nội bộ:[/] {type(exc).__name__}: {escape(str(exc))} "
            "(đặt VHCS_DEBUG=1 để xem chi tiết)",
            soft_wrap=True,
        )
        code = 3
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        console.print(f"vhcs-analysis {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="In phiên bản.")
    ] = False,
) -> None:
    """Số liệu sơ kết, tổng kết Nghị quyết 01-NQ/ĐUK."""


@_command()
def sample(
    out: Annotated[Path, typer.Option("--out", help="Thư mục ghi dữ liệu thô mẫu.")],
    seed: Annotated[int, typer.Option("--seed", help="Hạt giống ngẫu nhiên (cùng hạt giống, cùng tệp).")] = 0,
    scale: Annotated[
        str, typer.Option("--scale", help="Quy mô: 'province' (66 đơn vị) hoặc 'national' (~6.300 đơn vị).")
    ] = "province",
    truth_out: Annotated[
        Optional[Path],
        typer.Option("--truth-out", help="Nơi ghi số liệu gốc đúng (mặc định: <out>/../sample_truth)."),
    ] = None,
    until: Annotated[
        Optional[str],
        typer.Option("--until", help="Thêm các kỳ sau 2018-H2 đến kỳ này (ví dụ 2021-H2) để thử tổng kết."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Tạo bộ dữ liệu thô tổng hợp (DỮ LIỆU MẪU) với các lỗi thường gặp."""
    from vhcs_analysis.sample import cli_sample

    _run(lambda _settings: cli_sample(out=out, seed=seed, scale=scale, truth_out=truth_out, console=console,
                                      until=until),
         config)


@_command()
def clean(
    raw: Annotated[Optional[Path], typer.Option("--raw", help="Thư mục dữ liệu thô (mặc định data/raw).")] = None,
    out: Annotated[
        Optional[Path], typer.Option("--out", help="Thư mục ghi dữ liệu đã làm sạch (mặc định data/processed).")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Làm sạch dữ liệu thô thành các bảng Parquet, kèm danh sách dòng bị loại và manifest."""
    from vhcs_analysis.cli_clean import cli_clean
    from vhcs_analysis.config import get_paths

    paths = get_paths(raw=raw, processed=out)
    _run(lambda settings: cli_clean(raw=paths.raw, out=paths.processed, console=console, settings=settings), config)


@_command(ok="mọi dòng hợp lệ", differs="có dòng sẽ bị loại hoặc tệp không đọc được")
def validate(
    paths: Annotated[list[Path], typer.Argument(metavar="TỆP_HOẶC_THƯ_MỤC", help="Tệp hoặc thư mục cần kiểm tra.")],
    config: ConfigOption = None,
) -> None:
    """Kiểm tra tệp gửi đến (không ghi dữ liệu), kể mọi lỗi của từng dòng.

    Không có danh mục units.csv thì vẫn kiểm tra mọi thứ, trừ việc đối chiếu tên đơn vị."""
    from vhcs_analysis.cli_clean import cli_validate

    _run(lambda settings: cli_validate(paths=paths, console=console, settings=settings), config)


def cli_report(paths: Paths, settings: Settings, console) -> int:
    """``vhcs report``: build everything; exit code 0 on success (errors raise VhcsError)."""
    from vhcs_analysis.cli_clean import print_clean_summary, reading_progress
    from vhcs_analysis.layout import docx_name, pptx_name
    from vhcs_analysis.settings import review_naming
    from vhcs_analysis.stages import build_report

    report = build_report(paths, settings, console=console,
                          progress=reading_progress if console.is_terminal else None,
                          on_clean=lambda cleaned: print_clean_summary(console, cleaned))
    console.print(f"Xong. Báo cáo {review_naming(settings.review)['noun']}: {report}")
    console.print(f"Bản thảo Word để văn phòng sửa, trình ký: {report.with_name(docx_name(report.name))}")
    console.print(f"Bài trình chiếu cho hội nghị: {report.with_name(pptx_name(report.name))}")
    return 0


@_command()
def report(
    raw: Annotated[Optional[Path], typer.Option("--raw", help="Thư mục dữ liệu thô (mặc định data/raw).")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Thư mục ghi báo cáo (mặc định reports).")] = None,
    processed: Annotated[
        Optional[Path],
        typer.Option(
            "--processed",
            help="Thư mục dữ liệu đã làm sạch (mặc định data/processed; <out>/processed khi chỉ định --raw).",
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Chạy toàn bộ: làm sạch, chạy notebook, lập báo cáo PDF (sơ kết hoặc tổng kết, theo cấu hình)."""
    from vhcs_analysis.config import get_paths
    from vhcs_analysis.layout import report_processed

    paths = get_paths(raw=raw, reports=out)
    own = report_processed(paths.reports, processed=processed, own=raw is not None)  # None: the project's
    paths = get_paths(raw=paths.raw, processed=own, reports=paths.reports)
    _run(lambda settings: cli_report(paths=paths, settings=settings, console=console), config)


@_command()
def template(
    out: Annotated[Path, typer.Option("--out", help="Thư mục ghi biểu mẫu trống.")],
    units: Annotated[Path | None, typer.Option(
        "--units", help="Danh mục đơn vị (units.csv) cho danh sách thả xuống tên đơn vị; mặc định: units.csv "
                        "trong thư mục dữ liệu thô nếu có.")] = None,
    config: ConfigOption = None,
) -> None:
    """Ghi biểu mẫu Excel trống (Biểu số 01-VHCS cho đơn vị, 02-VHCS cho đoàn kiểm tra)."""
    from vhcs_analysis.io.templates import cli_template

    _run(lambda settings: cli_template(out=out, console=console, settings=settings, units=units), config)


@_command()
def notebooks(
    out: Annotated[
        Path, typer.Option("--out", help="Thư mục ghi các notebook (nên là 'notebooks' trong thư mục làm việc).")
    ] = Path("notebooks"),
    config: ConfigOption = None,
) -> None:
    """Chép các notebook phân tích kèm theo gói ra để sửa; `vhcs report` chạy từ thư mục làm việc sẽ dùng bản chép."""
    from vhcs_analysis.report.notebooks import cli_notebooks

    _run(lambda _settings: cli_notebooks(out=out, console=console), config)


@_command(ok="báo cáo tái lập đầy đủ", differs="có khác biệt (từng khác biệt được kể ra)")
def verify(
    report: Annotated[Path,
                      typer.Option("--report", help="Thư mục báo cáo cần kiểm tra (thư mục --out của `vhcs report`).")],
    raw: Annotated[
        Optional[Path], typer.Option("--raw", help="Thư mục dữ liệu thô mà báo cáo dựa vào (mặc định data/raw).")
    ] = None,
    summary: Annotated[
        Optional[Path],
        typer.Option("--summary", help="Ghi tóm tắt kết luận vào tệp này (.json: dạng JSON; khác: văn bản).")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Kiểm tra báo cáo có tái lập được từ dữ liệu thô không (chỉ đọc thư mục báo cáo).

    Bốn bước: đối chiếu sha256 tệp đầu vào, làm sạch lại, nbval nghiêm ngặt trên các notebook đã chạy, dựng lại PDF/Word/trình chiếu/sổ bảng Excel và so từng byte.
    Báo cáo được kiểm tra với cấu hình đã ghi trong manifest; cấu hình đang dùng (--config) khác với nó được kể là khác biệt.
    """  # noqa: E501 - typer prints this help line by line (rich markup mode): a wrap would show in `vhcs verify --help`
    from vhcs_analysis.verify import cli_verify

    _run(lambda settings: cli_verify(report=report, raw=raw, summary=summary, console=console, settings=settings),
         config)


def main() -> None:
    """Entry point of the ``vhcs`` script."""
    app(prog_name="vhcs")


if __name__ == "__main__":  # pragma: no cover
    main()
