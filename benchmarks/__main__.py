"""``python -m benchmarks`` (``make bench``): run the cases, print a table, write JSON.

Options: ``--quick`` (small cases, one run each), ``--only NAME`` (repeatable or
comma-separated; a case compared with another brings that one along), ``--repeat N``
(runs per case; heavy cases stop earlier when their time budget is spent), ``--out PATH``
(default ``benchmarks/results/latest.json``), ``--list``, ``--reuse-data``, ``--profile`` (one cProfile run
per case instead of measuring; top functions go to ``build/bench/profiles/``),
``--markdown`` / ``--readme`` (the results file as a Markdown table, printed or written
into ``benchmarks/README.md``).
"""

from __future__ import annotations

import argparse
import io
import json
import pstats
import statistics
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks.cases import BENCH_DIR, CASES, Case, Context, by_name
from benchmarks.harness import ROOT, Summary, fresh_dir, machine_info, measure, repeat_runs, run_as_dict, write_json

DEFAULT_OUT = ROOT / "benchmarks" / "results" / "latest.json"
README = ROOT / "benchmarks" / "README.md"


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small cases only, one run each")
    parser.add_argument("--only", action="append", default=[], metavar="NAME", help="run only these cases")
    parser.add_argument("--repeat", type=int, default=None, help="runs per case (default 3, quick 1)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON results file")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument("--profile", action="store_true", help="profile each case once (cProfile)")
    parser.add_argument("--reuse-data", action="store_true",
                        help="use the generated samples in build/bench/data even if the generator changed")
    parser.add_argument("--markdown", action="store_true",
                        help="print the results file (--out) as a Markdown table and exit")
    parser.add_argument("--readme", action="store_true",
                        help="write the results file (--out) as the table of benchmarks/README.md and exit")
    parser.add_argument("--work", type=Path, default=BENCH_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def select(args: argparse.Namespace) -> list[Case]:
    """The cases to run, in definition order; a ratio needs the case it compares with."""
    cases = by_name()
    names = [n.strip() for chunk in args.only for n in chunk.split(",") if n.strip()]
    unknown = [n for n in names if n not in cases]
    if unknown:
        raise SystemExit(f"unknown case(s): {', '.join(unknown)}; try --list")
    if names:
        wanted = set(names)
        wanted |= {cases[n].target.faster_case for n in names if cases[n].target.faster_case}
        return [c for c in CASES if c.name in wanted]
    return [c for c in CASES if not c.hidden and (c.quick or not args.quick)]


def _rel(arg: str) -> str:
    try:
        return str(Path(arg).relative_to(ROOT))
    except ValueError:
        return Path(arg).name if arg == sys.executable else arg


def _details(summary: Summary) -> dict | None:
    """The JSON details of the case's runs: numbers as medians over the runs (the rest
    from the last run)."""
    runs = [r.details for r in summary.ok_runs if r.details]
    if not runs:
        return None
    out = dict(runs[-1])
    for key, value in out.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[key] = statistics.median(r[key] for r in runs if isinstance(r.get(key), (int, float)))
    return out


def evaluate(case: Case, stats: dict, medians: dict[str, float | None], details: dict[str, dict] | None = None,
             cpu_medians: dict[str, float | None] | None = None) -> dict:
    """Ratio and met (True/False/None when it cannot be judged) for one case, and the same
    ratio in CPU time (``cpu_ratio``, shown beside it, never judged: the targets are wall
    times, as a user waits). CPU time barely moves when other work shares the machine, but
    it counts only the processes the command waited for: reading workers started through
    the forkserver are not its children, so compare CPU times of serial runs."""
    target, met, ratio, cpu_ratio = case.target, None, None, None
    if stats["median_s"] is not None:
        checks = []
        if target.max_seconds is not None:
            checks.append(stats["median_s"] <= target.max_seconds)
        if target.max_rss_mb is not None:
            checks.append(stats["peak_rss_mb"] <= target.max_rss_mb)
        if target.faster_case is not None and target.detail:
            other = ((details or {}).get(target.faster_case) or {}).get(target.detail)
            if other and stats["median_s"] > 0:
                ratio = other / stats["median_s"]
                checks.append(ratio >= target.min_ratio)
            else:
                checks.append(None)
        elif target.faster_case is not None:
            other = medians.get(target.faster_case)
            other_cpu = (cpu_medians or {}).get(target.faster_case)
            if other_cpu and stats.get("median_cpu_s"):
                cpu_ratio = stats["median_cpu_s"] / other_cpu
            if other:
                ratio = stats["median_s"] / other
                if target.min_ratio is not None:  # else the ratio is shown for reference only
                    checks.append(ratio >= target.min_ratio)
            elif target.min_ratio is not None:
                checks.append(None)
        met = None if (not checks or None in checks) else all(checks)
    return {"ratio": ratio, "cpu_ratio": cpu_ratio, "met": met}


def run_case(case: Case, ctx: Context, repeat: int, console: Console) -> tuple[list[str] | None, Summary]:
    try:
        argv = case.prepare(ctx)
    except Exception as exc:  # noqa: BLE001 - a broken case is reported, the others still run
        return None, Summary(error=f"setup: {type(exc).__name__}: {exc}")

    def before(i: int) -> None:
        if case.out_dir:
            fresh_dir(ctx.out(case.name))

    def once(i: int):
        run = measure(argv, cwd=ROOT, env=ctx.env, log_dir=ctx.work / "logs", label=f"{case.name}.{i}",
                      timeout=case.timeout_s)
        mark = "ok" if run.returncode == 0 else f"[red]exit {run.returncode}[/]"
        console.print(f"  {case.name} run {i + 1}: {run.seconds:.3f} s, {run.peak_rss_mb:.0f} MB {mark}")
        return run

    return argv, repeat_runs(once, repeat=repeat, budget_s=case.budget_s, before_each=before)


def profile_case(case: Case, ctx: Context, console: Console) -> None:
    """Run ``case`` once under cProfile and save its top functions to a text file."""
    argv = case.prepare(ctx)
    prof_dir = ctx.work / "profiles"
    prof_dir.mkdir(parents=True, exist_ok=True)
    prof = prof_dir / f"{case.name}.prof"
    if argv[0] == ctx.python and argv[1] == "-m":
        module, rest = argv[2], argv[3:]
    elif argv[: len(ctx.vhcs)] == ctx.vhcs:
        module, rest = "vhcs_analysis", argv[len(ctx.vhcs):]
    else:
        console.print(f"[yellow]{case.name}: cannot profile {argv[0]}[/]")
        return
    if case.out_dir:
        fresh_dir(ctx.out(case.name))
    run = measure([ctx.python, "-m", "cProfile", "-o", str(prof), "-m", module, *rest], cwd=ROOT,
                  env=ctx.env, log_dir=ctx.work / "logs", label=f"{case.name}.profile", timeout=case.timeout_s)
    if run.returncode != 0 or not prof.is_file():
        console.print(f"[red]{case.name}: profiling failed: {run.log}[/]")
        return
    text = io.StringIO()
    stats = pstats.Stats(str(prof), stream=text).strip_dirs()
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    out = prof_dir / f"{case.name}.txt"
    out.write_text(text.getvalue(), "utf-8", newline="\n")
    console.print(f"{case.name}: {run.wall_seconds:.2f} s under cProfile → {out.relative_to(ROOT)}")


def _fmt(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _times(ratio: float | None) -> str:
    return "–" if ratio is None else f"{ratio:.1f}×"


def render(results: list[dict], machine: dict, console: Console) -> None:
    table = Table(title="vhcs_analysis benchmarks (median of runs; wall time unless stated)")
    table.add_column("Case", no_wrap=True)
    for header, justify in (("Median s", "right"), ("Min s", "right"), ("Max s", "right"), ("CPU s", "right"),
                            ("Peak RSS MB", "right"), ("Runs", "right"), ("Ratio", "right"),
                            ("CPU ratio", "right"), ("Target", "left"), ("Met", "center")):
        table.add_column(header, justify=justify)
    for r in results:
        met = {True: "[green]yes[/]", False: "[red]no[/]", None: "–"}[r["met"]]
        if r["error"]:
            met = "[red]error[/]"
        table.add_row(r["name"], _fmt(r["median_s"], 3), _fmt(r["min_s"], 3), _fmt(r["max_s"], 3),
                      _fmt(r.get("median_cpu_s"), 3), _fmt(r["peak_rss_mb"], 0), str(r["runs"]),
                      _times(r["ratio"]), _times(r.get("cpu_ratio")), r["target"]["text"], met)
    console.print(table)
    console.print(f"[dim]{machine['cpu_model']}, {machine['cores']} cores, {machine['ram_gb']} GB RAM, "
                  f"Python {machine['python']}, load at start {machine['load_average_at_start']}[/]")
    for r in results:
        if r["error"]:
            console.print(f"[red]{r['name']}: {r['error']}[/]", soft_wrap=True)


def markdown(payload: dict) -> str:
    """The results as the Markdown table of benchmarks/README.md."""
    m = payload["machine"]
    lines = [
        "| Case | Median s | Min s | Max s | CPU s | Peak RSS MB | Runs | Ratio | CPU ratio | Target | Met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|:---:|",
    ]
    for r in payload["cases"]:
        met = "error" if r["error"] else {True: "yes", False: "**no**", None: "–"}[r["met"]]
        lines.append(f"| `{r['name']}` | {_fmt(r['median_s'], 3)} | {_fmt(r['min_s'], 3)} | {_fmt(r['max_s'], 3)} "
                     f"| {_fmt(r.get('median_cpu_s'), 3)} | {_fmt(r['peak_rss_mb'], 0)} | {r['runs']} "
                     f"| {_times(r['ratio'])} | {_times(r.get('cpu_ratio'))} | {r['target']['text']} | {met} |")
    libs = ", ".join(f"{k} {v}" for k, v in m["libraries"].items() if v)
    lines += ["", f"Machine: {m['cpu_model']}, {m['cores']} cores, {m['ram_gb']} GB RAM, {m['os']}; "
              f"Python {m['python']}; {libs}. Measured {m['timestamp_utc']} at commit {m['git_commit']} "
              f"(load average at start {m['load_average_at_start']}); whole run {payload['total_seconds']} s "
              f"(of which {payload.get('generate_seconds', 0)} s generating the samples, untimed)."]
    return "\n".join(lines)


def update_readme(path: Path, table: str) -> None:
    """Replace what stands between the results markers of the README with ``table``."""
    text = path.read_text("utf-8")
    start = text.index("<!-- results:")
    start = text.index("\n", start) + 1
    end = text.index("<!-- /results -->", start)
    path.write_text(text[:start] + table + "\n" + text[end:], "utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 150)
    if args.markdown:
        print(markdown(json.loads(args.out.read_text("utf-8"))))
        return 0
    if args.readme:
        update_readme(README, markdown(json.loads(args.out.read_text("utf-8"))))
        console.print(f"table written to {_rel(str(README))}")
        return 0
    if args.list:
        for case in CASES:
            flags = " (quick)" if case.quick else (" (hidden)" if case.hidden else "")
            console.print(f"{case.name:<20} {case.title}; target {case.target.describe()}{flags}")
        return 0
    cases = select(args)
    ctx = Context(work=args.work, console=console, reuse_data=args.reuse_data)
    if args.profile:
        for case in cases:
            profile_case(case, ctx, console)
        return 0
    repeat = args.repeat or (1 if args.quick else 3)
    machine = machine_info()
    started = time.perf_counter()
    done: list[tuple[Case, list[str] | None, Summary]] = []
    for case in cases:
        console.print(f"[bold]{case.name}[/]: {case.title}")
        argv_used, summary = run_case(case, ctx, repeat, console)
        done.append((case, argv_used, summary))
    medians = {c.name: s.stats()["median_s"] for c, _, s in done}
    cpu_medians = {c.name: s.stats()["median_cpu_s"] for c, _, s in done}
    details = {c.name: _details(s) for c, _, s in done}
    results = []
    for case, argv_used, summary in done:
        stats = summary.stats()
        results.append({
            "name": case.name,
            "title": case.title,
            "command": None if argv_used is None else [_rel(a) for a in argv_used],
            **{k: stats[k] for k in ("median_s", "min_s", "max_s", "median_cpu_s", "peak_rss_mb", "runs")},
            "seconds": stats["seconds"],
            "cpu_seconds": stats.get("cpu_seconds", []),
            "wall_seconds": stats.get("wall_seconds", []),
            "target": {"max_seconds": case.target.max_seconds, "max_rss_mb": case.target.max_rss_mb,
                       "faster_case": case.target.faster_case, "min_ratio": case.target.min_ratio,
                       "text": case.target.describe()},
            **evaluate(case, stats, medians, details, cpu_medians),
            "details": details[case.name],
            "error": summary.error,
            "failed_runs": [run_as_dict(r) for r in summary.runs if r.returncode != 0],
        })
    payload = {
        "schema": 1,
        "machine": machine,
        "settings": {"quick": args.quick, "repeat": repeat, "only": args.only, "reuse_data": args.reuse_data},
        "data": ctx.data_notes,
        "total_seconds": round(time.perf_counter() - started, 1),
        "generate_seconds": round(ctx.generate_seconds, 1),
        "cases": results,
    }
    write_json(args.out, payload)
    render(results, machine, console)
    console.print(f"results: {_rel(str(args.out.resolve()))} (total {payload['total_seconds']} s, of which "
                  f"{payload['generate_seconds']} s generating samples)")
    return 1 if any(r["error"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
