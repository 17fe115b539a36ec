"""Many cases in one run: JSON Lines (or a folder of case files) in, one determination per
line out, in the order read.

A case that cannot be read or determined, whatever its bytes, is reported on its own line,
in its place, with its line number or file name and its diagnostics, and the run goes on:
as many lines come out as went in. Each line is written as soon as it is decided, so an
interrupted run keeps everything decided before it stopped. Memory stays flat however long
the input: a line is read at most to the case size limit, and with several jobs only a few
groups of cases are in flight at once, each worker process having checked the policy once."""

from __future__ import annotations

import json
import os
import queue
import signal
import sys
import threading
from collections import Counter, deque
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Iterator, TextIO

from clawpolicy import api
# The input side (input/lines.py), reached through this module by the command line too.
from clawpolicy.input.lines import (CASE_SUFFIXES, InputError, Item, case_items, items,
                                    open_source, total)

__all__ = ["CASE_SUFFIXES", "InputError", "Item", "Summary", "case_items", "determine_one",
           "items", "open_source", "run", "total", "workers_stopped"]
from clawpolicy.input.reader import load_case, parse_case
from clawpolicy.check.policy import CheckedPolicy
from clawpolicy.core.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.render.json import render_line
from clawpolicy.render.progress import BatchProgress
from clawpolicy.core.source import printable
from clawpolicy.core.values import format_money

FIRST_GROUP = 8      # cases sent to a worker at once, at first; doubled up to GROUP
GROUP = 64
GROUP_BYTES = 1 << 20  # a group closes at this much input, to keep memory flat
IN_FLIGHT = 4        # groups per worker sent ahead of the one being written
TAIL = 2             # near a file's end, a group is at most 1/TAIL of a worker's share


@dataclass
class Summary:
    zero_unit: str  # the unit a total of nothing is shown in: the vocabulary's default
    outcomes: Counter = field(default_factory=Counter)
    totals: dict[str, Decimal] = field(default_factory=dict)
    errors: int = 0
    defects: int = 0  # cases clawpolicy itself failed on (CP0900): reported, never hidden

    @property
    def count(self) -> int:
        return sum(self.outcomes.values()) + self.errors + self.defects

    def add(self, outcome: str | None, totals: list[tuple[str, str]]) -> None:
        if outcome == DEFECT:
            self.defects += 1
            return
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
        defects = f", {self.defects} internal error{'s' * (self.defects != 1)}" \
            if self.defects else ""
        return (f"{self.count} case{'s' * (self.count != 1)}: {', '.join(parts)}, "
                f"{self.errors} not read{defects}; "
                f"total recoverable {totals}\n")


DEFECT = "internal error"


def read_item(item: Item, vocabulary=None) -> api.LoadedCase:
    """The case of one item, read as `check` reads it; raises DiagnosticError."""
    if item.problem is not None:
        code, message, help = item.problem
        raise DiagnosticError([Diagnostic(code, message, help, where=item.where)])
    if item.raw is None:
        return load_case(item.path, item.name, vocabulary=vocabulary, expectation=False)
    return parse_case(item.raw, item.name, is_json=True, line=item.line, vocabulary=vocabulary,
                      expectation=False)


# ---------------------------------------------------------------- deciding one case

_POLICY: CheckedPolicy | None = None


def _quiet_interrupts() -> None:
    # An interrupt is the parent's to handle: it stops the workers itself, so none of them
    # prints a traceback of its own. (A worker starts with interrupts held, see _held, so
    # one that comes while it starts is dropped here.)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _adopt_policy(policy: CheckedPolicy) -> None:
    """A worker's policy: the parent's checked policy, held already by a forked worker and
    unpickled by a spawned one (the AST, its tables and the vocabulary: the files are not
    read again, so an edit made meanwhile cannot give a worker another policy than the
    parent's). Its compiled forms are built here on first use."""
    _quiet_interrupts()
    global _POLICY
    _POLICY = policy


def _worker_context():
    """How workers start: forked from the parent where that is safe (Linux, and no other
    thread in the parent that a fork could catch holding a lock), so that they start at once
    with everything imported and the policy compiled; otherwise spawned afresh, each
    importing clawpolicy and receiving the checked policy, pickled, once."""
    import multiprocessing

    fork = sys.platform.startswith("linux") and threading.active_count() == 1
    return multiprocessing.get_context("fork" if fork else "spawn")


Result = tuple[str, str | None, list]


def determine_one(item: Item, policy: CheckedPolicy | None = None) -> Result:
    """(the output line, the outcome, None if the case was not read or DEFECT, the totals)."""
    policy = policy or _POLICY
    try:
        loaded = read_item(item)
        determination = api.evaluate(policy, loaded)
        line = render_line(determination, source=item.where)
    except DiagnosticError as error:
        return _error_line(item, [(d.code, d.message, d.help, str(d.span) if d.span
                                   else d.where) for d in error.diagnostics]), None, []
    except Exception as error:  # noqa: BLE001 - a defect: reported in its place, run goes on
        return _error_line(item, [("CP0900", f"internal error: {type(error).__name__}: "
                                   f"{error}", "this is a defect of clawpolicy, not of your "
                                   "files; please report it with the policy and the case",
                                   item.where)]), DEFECT, []
    totals = determination.total_recoverable
    totals = totals if isinstance(totals, list) else [totals]
    return line, determination.outcome, \
        [(t.amount, t.unit) for t in totals] if determination.outcome == "recovery" else []


def _error_line(item: Item, errors: list[tuple]) -> str:
    line = json.dumps({"source": item.where, "errors": [
        {"code": code, "message": message, "help": help, "where": where}
        for code, message, help, where in errors]}, ensure_ascii=False)
    return printable(line)


def _determine_group(group: list[Item]) -> list[Result]:
    return [determine_one(item) for item in group]


# ---------------------------------------------------------------- the run

def run(policy_path: str, source: str, out: TextIO, jobs: int = 1,
        progress: TextIO | None = None, last: bool = False) -> Summary:
    """Determine every case of `source`, writing each line to `out` as it is decided. With
    `progress` (a terminal: the command line decides), a display of the count, the rate and
    the time left is drawn there on time, and erased at the end. `last`: the run is the last
    work of its process (the program's `check --batch`), whose exit need not free what the
    run made: it is left frozen out of the cyclic collector, whose pass at exit would
    otherwise walk and free it all (with `--jobs 2`, 0.3 s at load 8-9, 600 cases)."""
    policy = api.compile_policy(policy_path)  # errors in the policy stop the run at once
    summary = Summary(policy.vocabulary.default_unit)
    display = nullcontext(None) if progress is None else \
        BatchProgress(progress, total(source), force_terminal=True)
    results = _results(policy, items(source), jobs, last, _file_size(source))
    try:
        with display as shown:
            for group in results:
                for line, outcome, totals in group:
                    out.write(line + "\n")
                    summary.add(outcome, totals)
                    if shown is not None:
                        shown.advance()
                out.flush()  # written as decided: nothing decided is lost if it is stopped
    finally:
        results.close()
    if last:
        import gc
        gc.freeze()
    return summary


def _file_size(source: str) -> int | None:
    """The size in bytes of a JSON Lines file, by which the groups shrink near its end;
    None for standard input and a folder."""
    if source == "-" or os.path.isdir(source):
        return None
    try:
        return os.path.getsize(source)
    except OSError:
        return None


def _results(policy: CheckedPolicy, work: Iterable[Item], jobs: int, last: bool = False,
             size: int | None = None) -> Iterator[list[Result]]:
    """The results, in input order, a group at a time (one case at a time with one job).
    What is frozen before the workers are forked is thawed at the end, unless the run is
    its process's `last` work."""
    if jobs == 1:
        for item in work:
            yield [determine_one(item, policy)]
        return
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    work = iter(work)
    first = next(work, None)
    if first is None:
        return
    # The first case is determined here, before the workers start: a forked worker then
    # inherits what deciding it built (the case models, the policy's compiled forms, the
    # rule sets composed) instead of building them again, each for itself.
    yield [determine_one(first, policy)]
    context = _worker_context()
    forked = context.get_start_method() == "fork"
    if forked:
        # The exactness search's modules, which a first case with nothing open leaves
        # unimported (evaluate/determine.py): imported once here, not in each worker.
        import clawpolicy.evaluate.settle  # noqa: F401
        # What the parent holds moves out of the collector's sight: a worker's collections
        # neither walk it nor write to its pages, which would copy them into each worker.
        gc.freeze()
    pool = ProcessPoolExecutor(jobs, context, initializer=_adopt_policy, initargs=(policy,))
    done = False
    try:
        if forked:
            # The workers are forked at the first task, before the thread that reads ahead
            # starts: a fork must not copy a thread in the middle of reading the input.
            with _held():  # a worker starts with interrupts held, as in _streamed
                started = pool.submit(int)
            _result(started)
            yield from _streamed(pool, _Feed(work), jobs * IN_FLIGHT, _Group(size, jobs))
        else:
            # A spawned worker starts slowly: the parent fills in meanwhile (_in_order).
            yield from _in_order(pool, policy, _groups(work, _Group(size, jobs)),
                                 jobs * IN_FLIGHT)
        done = True
    finally:
        if forked and not last:
            gc.unfreeze()
        pool.shutdown(wait=done, cancel_futures=True)
        if not done:  # interrupted, or stopped by an error: stop the workers now
            global _WORKERS_STOPPED
            _WORKERS_STOPPED = True
            for child in multiprocessing.active_children():
                child.terminate()


_WORKERS_STOPPED = False


def workers_stopped() -> bool:
    """Whether a pool of workers was stopped mid-batch (interrupted, or by an error). Its
    threads, cut off mid-send, would then print a traceback of their own as Python exits, so
    the command leaves without Python's exit handlers (cli.main), its output written."""
    return _WORKERS_STOPPED


def _in_order(pool, policy: CheckedPolicy, groups: Iterable[list[Item]],
              limit: int) -> Iterator[list[Result]]:
    """Each group's results in input order, at most `limit` groups in the pool at once, for
    spawned workers: until one has answered (a spawned worker starts by importing
    clawpolicy: most of a second), the parent determines the groups that do not fit in the
    pool itself rather than wait, so a small batch is not slower with several jobs than with
    one. `pending` holds, in input order, a future of the pool or results made here."""
    pending: deque = deque()
    in_pool = 0
    warm = False
    for group in groups:
        while pending and isinstance(pending[0], list):
            yield pending.popleft()
        if in_pool >= limit and not warm:
            warm = pending[0].done()
            if not warm:
                pending.append([determine_one(item, policy) for item in group])
                continue
        while in_pool >= limit:
            head = pending.popleft()
            if not isinstance(head, list):
                in_pool -= 1
                head = head.result()
            yield head
        with _held():  # a worker process may start here: see _adopt_policy
            pending.append(pool.submit(_determine_group, group))
        in_pool += 1
    while pending:
        head = pending.popleft()
        yield head if isinstance(head, list) else head.result()


@contextmanager
def _held() -> Iterator[None]:
    """Interrupts held back (not lost) in this thread, and in any process started meanwhile,
    which inherits the mask: a Ctrl-C while a worker starts must not stop it half-started."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


class _Feed:
    """The cases read ahead, a few at a time, by a thread of their own: while the input
    pauses (a pipe's writer waits), what was read is sent and what is decided written."""

    _END, WAITING = object(), object()

    def __init__(self, work: Iterable[Item]):
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        threading.Thread(target=self._read, args=(work,), daemon=True).start()

    def _read(self, work: Iterable[Item]) -> None:
        try:
            for item in work:
                self._queue.put(item)
            self._queue.put(self._END)
        except BaseException as error:  # noqa: BLE001 - raised in the thread that reads on
            self._queue.put([error])

    def get(self, wait_ms: int) -> Item | object | None:
        """The next case; WAITING if none came within `wait_ms`; None at the end."""
        try:
            item = self._queue.get(timeout=wait_ms / 1000)
        except queue.Empty:
            return self.WAITING
        if isinstance(item, list):
            raise item[0]
        return None if item is self._END else item


PAUSE_MS, WAKE_MS = 50, 500  # a pause of the input that sends a group; a wait's step


def _streamed(pool, feed: _Feed, limit: int,
              group: _Group | None = None) -> Iterator[list[Result]]:
    """Each group's results in input order, at most `limit` groups in the pool at once; a
    group is made as `_groups` makes one, or sent as it stands when the input pauses."""
    pending: deque = deque()
    group, ended = group or _Group(), False
    while True:
        while pending and pending[0].done():
            yield pending.popleft().result()
        if not ended:
            try:
                item = feed.get(PAUSE_MS if group.items or pending else WAKE_MS)
            except Exception:  # the input failed: what was read is decided and written first
                with _held():
                    pending.extend([pool.submit(_determine_group, group.take())]
                                   if group.items else [])
                while pending:
                    yield _result(pending.popleft())
                raise
            if item is None:
                ended = True
            elif item is not _Feed.WAITING and not group.add(item):
                continue
        if group.items:  # full, or the input ended or paused
            if len(pending) >= limit:
                yield _result(pending.popleft())
            with _held():
                pending.append(pool.submit(_determine_group, group.take()))
        elif ended:
            if not pending:
                return
            yield _result(pending.popleft())


def _result(future) -> list[Result]:
    """A group's results, waited for in short steps: an interrupt that the system hands to
    another thread (the one reading ahead) is handled only when this one wakes."""
    from concurrent.futures import wait

    while not future.done():
        wait([future], timeout=WAKE_MS / 1000)
    return future.result()


class _Group:
    """The cases gathered for the next group: small at first, so that every worker has work
    at once, then up to GROUP cases (or GROUP_BYTES of input) each, so that sending them
    costs little beside determining them. Near the end of a file of `size` bytes, at most
    1/TAIL of each of the `jobs` workers' share of the cases left (as many as its bytes
    left hold at the mean size of a case so far): the last groups are small, so that the
    workers finish together, not one idle while the other decides a last large group."""

    def __init__(self, size: int | None = None, jobs: int = 1) -> None:
        self.items: list[Item] = []
        self.held, self.size = 0, FIRST_GROUP
        self.input, self.jobs = size, jobs
        self.read = self.count = 0  # the input's bytes and cases so far, this group's too

    def add(self, item: Item) -> bool:
        """Adds a case; whether the group is now full."""
        self.items.append(item)
        held = len(item.raw) if item.raw is not None else 0
        self.held += held
        self.read += held
        self.count += 1
        return len(self.items) >= self.size or self.held >= GROUP_BYTES or self._near_end()

    def _near_end(self) -> bool:
        if self.input is None or not self.read:
            return False
        after = max(self.input - self.read, 0) * self.count / self.read  # cases left after it
        return len(self.items) * TAIL * self.jobs >= len(self.items) + after

    def take(self) -> list[Item]:
        """The group, to send; the next one may be twice as large."""
        taken, self.items, self.held = self.items, [], 0
        self.size = min(self.size * 2, GROUP)
        return taken


def _groups(work: Iterable[Item], group: _Group | None = None) -> Iterator[list[Item]]:
    """The cases in groups for the workers, each full as `group` (a `_Group`) says."""
    group = group or _Group()
    for item in work:
        if group.add(item):
            yield group.take()
    if group.items:
        yield group.take()
