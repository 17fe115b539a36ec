"""Many cases in one run: JSON Lines (or a folder of case files) in, one determination per
line out, in the order read.

Cases are read, determined and written in chunks, so memory stays flat however long the
input; with several jobs, each worker process checks the policy once and determines its share
of each chunk. A case that cannot be read or determined is reported on its own line, in its
place, and the run goes on: as many lines come out as went in."""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterator, TextIO

from clawpolicy import api
from clawpolicy.casefile import load_case, parse_case
from clawpolicy.check.checker import CheckedPolicy
from clawpolicy.core.diagnostics import DiagnosticError
from clawpolicy.render.json import render_line
from clawpolicy.core.values import format_money

CHUNK = 512
CASE_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class Summary:
    zero_unit: str  # the unit a total of nothing is shown in: the vocabulary's default
    outcomes: Counter = field(default_factory=Counter)
    totals: dict[str, Decimal] = field(default_factory=dict)
    errors: int = 0

    @property
    def count(self) -> int:
        return sum(self.outcomes.values()) + self.errors

    def add(self, outcome: str | None, totals: list[tuple[str, str]]) -> None:
        if outcome is None:
            self.errors += 1
            return
        self.outcomes[outcome] += 1
        for amount, unit in totals:
            self.totals[unit] = self.totals.get(unit, Decimal(0)) + Decimal(amount)

    def render(self) -> str:
        parts = [f"{self.outcomes[o]} {o}" for o in ("recovery", "no_recovery", "pending",
                                                     "not_covered")]
        totals = ", ".join(format_money(a, u) for u, a in self.totals.items()) or \
            format_money(Decimal(0), self.zero_unit)
        return (f"{self.count} cases: {', '.join(parts)}, {self.errors} not read; "
                f"total recoverable {totals}\n")


# An item of work: (the file it comes from, its line in a JSON Lines file or None for a case
# file of its own, the text of the line or None).
Item = tuple[str, int | None, str | None]


def items(source: str) -> Iterator[Item]:
    """Each case of the input, lazily: `-` is standard input; a folder, its case files in
    name order; anything else, a JSON Lines file."""
    if source != "-" and Path(source).is_dir():
        for path in sorted(p for p in Path(source).rglob("*") if p.suffix in CASE_SUFFIXES):
            yield str(path), None, None
        return
    stream = sys.stdin if source == "-" else open(source, encoding="utf-8-sig")
    name = "<stdin>" if source == "-" else source
    try:
        for number, line in enumerate(stream, start=1):
            if line.strip():
                yield name, number, line
    finally:
        if stream is not sys.stdin:
            stream.close()


def total(source: str) -> int | None:
    """How many cases the input holds, when that can be known before reading it (not for
    standard input): one pass that keeps nothing."""
    if source == "-":
        return None
    if Path(source).is_dir():
        return sum(1 for p in Path(source).rglob("*") if p.suffix in CASE_SUFFIXES)
    with open(source, encoding="utf-8-sig", errors="replace") as stream:
        return sum(1 for line in stream if line.strip())


def progress_line(done: int, of: int | None, width: int = 30) -> str:
    """`[#########.....]  61% 6100/10000`, or a count where the total is not known."""
    if not of:
        return f"{done} cases determined"
    filled = width * done // of
    return f"[{'#' * filled}{'.' * (width - filled)}] {100 * done // of:>3}% {done}/{of}"


_POLICY: CheckedPolicy | None = None


def _start_worker(policy_path: str) -> None:
    global _POLICY
    _POLICY = api.compile_policy(policy_path)


def determine_one(item: Item, policy: CheckedPolicy | None = None) -> tuple[str, str | None,
                                                                           list]:
    """(the output line, the outcome or None if the case was not read, the totals)."""
    name, number, text = item
    where = name if number is None else f"{name}:{number}"
    policy = policy or _POLICY
    try:
        loaded = load_case(name) if text is None else \
            parse_case(text.encode("utf-8"), name, is_json=True, line=number)
        determination = api.evaluate(policy, loaded)
    except DiagnosticError as error:
        line = json.dumps({"source": where, "errors": [
            {"code": d.code, "message": d.message, "help": d.help,
             "where": str(d.span) if d.span else d.where} for d in error.diagnostics]},
            ensure_ascii=False)
        return line, None, []
    totals = determination.total_recoverable
    totals = totals if isinstance(totals, list) else [totals]
    return render_line(determination), determination.outcome, \
        [(t.amount, t.unit) for t in totals] if determination.outcome == "recovery" else []


def run(policy_path: str, source: str, out: TextIO, jobs: int = 1,
        progress: TextIO | None = None) -> Summary:
    policy = api.compile_policy(policy_path)  # errors in the policy stop the run at once
    summary = Summary(policy.vocabulary.default_unit)
    expected = total(source) if progress is not None else None
    pool = None
    if jobs > 1:
        import multiprocessing

        pool = multiprocessing.get_context("spawn").Pool(jobs, _start_worker, (policy_path,))
    try:
        chunk: list[Item] = []
        for item in items(source):
            chunk.append(item)
            if len(chunk) == CHUNK:
                _flush(chunk, policy, pool, out, summary, progress, expected)
                chunk = []
        _flush(chunk, policy, pool, out, summary, progress, expected)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    if progress is not None:
        progress.write("\r" + " " * 60 + "\r")
    return summary


def _flush(chunk: list[Item], policy, pool, out: TextIO, summary: Summary,
           progress: TextIO | None, expected: int | None = None) -> None:
    if not chunk:
        return
    results = pool.map(determine_one, chunk, chunksize=max(1, len(chunk) // 16)) \
        if pool is not None else [determine_one(item, policy) for item in chunk]
    for line, outcome, totals in results:
        out.write(line + "\n")
        summary.add(outcome, totals)
    if progress is not None:
        progress.write("\r" + progress_line(summary.count, expected))
        progress.flush()
