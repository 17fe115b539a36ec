"""A cold `clawpolicy check POLICY case.json --format json` against the bare
`python -c "import typer, pydantic, lark"`, in CPU time (the user and system time of the
process, from getrusage) and wall clock, runs interleaved, medians; with `--base DIR`, the
same command run from another checkout of clawpolicy (`PYTHONPATH=DIR`), interleaved with
this one, its output compared byte for byte first.

A third row, "typer alone", is what any typer command with `check`'s parameters costs before
its body runs: a typer app with one command of the same parameter types (a path, a list of
texts, three enumerations, a bounded integer, a list of an enumeration, a list of texts), a
group callback with a `--version` flag as clawpolicy's, and an empty body, given the same
arguments. typer (0.29 here) builds a pydantic TypeAdapter for each
parameter as it parses them, so it brings pydantic's model machinery that the bare imports
leave out; the difference between `check` and this row is what clawpolicy's own code costs.

The policy is kept (check/cache.py) before anything is timed, as on a second run of the same
command: a private cache folder is filled by two untimed runs of each command. The case is
one generated single-award case (generate.py), written as JSON.

    .venv/bin/python benchmarks/coldstart.py --runs 15 --base /path/to/main/checkout

`--cache off` runs the commands with `CLAWPOLICY_CACHE_DIR=off`, as run.py's start-up line
does: the policy parsed, lowered and checked on every run. `--format text` writes the memo
instead; `--batch` gives the case as a JSON Lines file of one line (`check --batch`).
"typer alone" is given the same arguments each time.

On a machine shared with other work, read the CPU ratios: wall clock is the share of the
cores the command got."""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate_list  # noqa: E402


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _run(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, bytes]:
    """Wall and CPU seconds of one run (its process and any it waited for), and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"error: {' '.join(command)} exited {done.returncode}: "
                         f"{done.stderr.decode(errors='replace')[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


# A typer command with the parameter types of `clawpolicy check` (cli/check.py) and an empty
# body: what typer itself costs to parse them.
_TYPER_ALONE = """
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer()


@app.callback()
def main(version: bool = typer.Option(False, "--version", is_eager=True)) -> None:
    pass


class Format(str, Enum):
    text = "text"
    json = "json"


class Explain(str, Enum):
    full = "full"
    summary = "summary"


class FailOn(str, Enum):
    recovery = "recovery"
    pending = "pending"


@app.command()
def check(policy: Path = typer.Argument(...),
          cases: Optional[list[str]] = typer.Argument(None),
          format: Optional[Format] = typer.Option(None, "--format", "-f"),
          explain: Explain = typer.Option(Explain.summary, "--explain"),
          batch: Optional[str] = typer.Option(None, "--batch"),
          jobs: int = typer.Option(1, "--jobs", "-j", min=1, max=64),
          fail_on: Optional[list[FailOn]] = typer.Option(None, "--fail-on"),
          assume: Optional[list[str]] = typer.Option(None, "--assume")) -> None:
    pass


@app.command()
def other() -> None:
    pass


app()
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=11, help="timed runs of each (default 11)")
    parser.add_argument("--base", type=Path, default=None,
                        help="another checkout of clawpolicy to run beside this one")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--cache", choices=("kept", "off"), default="kept",
                        help="the policy kept between runs (default), or the cache off")
    parser.add_argument("--format", choices=("json", "text"), default="json")
    parser.add_argument("--batch", action="store_true",
                        help="the case as a JSON Lines file given to --batch")
    args = parser.parse_args(argv)

    root = HERE.parent
    # As an installed package runs: bytecode written once, then read.
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    with tempfile.TemporaryDirectory() as tmp:
        env["CLAWPOLICY_CACHE_DIR"] = "off" if args.cache == "off" else str(Path(tmp) / "cache")
        case = Path(tmp) / ("cases.jsonl" if args.batch else "case.json")
        case.write_text(json.dumps(generate_list(1, args.seed, 1, 1)[0]) +
                        ("\n" if args.batch else ""), encoding="utf-8")
        given = ["--batch", str(case)] if args.batch else [str(case), "--format", args.format]

        def check(checkout: Path) -> list[str]:
            return [sys.executable, "-m", "clawpolicy", "check",
                    str(checkout / "policies" / "qualys-2019.claw")] + given

        commands = {"this checkout": (check(root), env, root)}
        if args.base is not None:
            base = args.base.resolve()
            commands["base"] = (check(base), dict(env, PYTHONPATH=str(base)), base)
        commands["bare imports"] = ([sys.executable, "-c", "import typer, pydantic, lark"],
                                    env, root)
        alone = Path(tmp) / "typer_alone.py"
        alone.write_text(_TYPER_ALONE, encoding="utf-8")
        commands["typer alone"] = ([sys.executable, str(alone)] + check(root)[3:], env, root)
        outputs = {}
        for name, command in commands.items():
            for _ in range(2):  # the policy kept, the bytecode written
                outputs[name] = _run(*command)[2]
        if args.base is not None and outputs["base"] != outputs["this checkout"]:
            raise SystemExit("error: the base checkout's determination differs")
        shape = "--batch" if args.batch else f"--format {args.format}"
        print(f"cold check ({shape}, cache {args.cache}), {args.runs} runs each, "
              f"interleaved; python "
              f"{sys.version.split()[0]}; load average before: {_load()}")
        times: dict[str, tuple[list[float], list[float]]] = {n: ([], []) for n in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                wall, cpu, _ = _run(*command)
                times[name][0].append(wall)
                times[name][1].append(cpu)
    print(f"{'':<16}{'CPU ms':>8}  {'(range)':<12}{'wall ms':>8}  (range)")
    for name, (wall, cpu) in times.items():
        print(f"{name:<16}{statistics.median(cpu) * 1000:>8.0f}  "
              f"{f'({min(cpu) * 1000:.0f}-{max(cpu) * 1000:.0f})':<12}"
              f"{statistics.median(wall) * 1000:>8.0f}  "
              f"({min(wall) * 1000:.0f}-{max(wall) * 1000:.0f})")
    bare_wall, bare_cpu = (statistics.median(x) for x in times["bare imports"])
    for name in [n for n in commands if n not in ("bare imports", "typer alone")]:
        wall, cpu = (statistics.median(x) for x in times[name])
        print(f"{name} / the bare imports: CPU {cpu / bare_cpu:.2f}x, wall "
              f"{wall / bare_wall:.2f}x")
    alone_cpu = statistics.median(times["typer alone"][1])
    print(f"typer alone / the bare imports: CPU {alone_cpu / bare_cpu:.2f}x; this checkout "
          f"beyond typer alone: CPU {(statistics.median(times['this checkout'][1]) - alone_cpu) * 1000:.0f} ms")
    if args.base is not None:
        print(f"this checkout / base, CPU: "
              f"{statistics.median(times['this checkout'][1]) / statistics.median(times['base'][1]):.3f}")
    print(f"load average after: {_load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
