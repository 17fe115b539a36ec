"""How `check --batch --jobs N` hands out its cases (clawpolicy/batch.py): a spawned worker
receives the policy the parent checked, pickled, and reads no file of it; and the results come out in input order however the workers finish,
including the groups the parent determines itself while its workers start."""

from __future__ import annotations

import io
import shutil
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from clawpolicy import api, batch
from tests.conftest import ROOT


def test_spawned_workers_receive_the_parents_checked_policy_and_read_no_file(
        tmp_path, monkeypatch):
    from tests.conftest import REVISION_CASES
    from tests.test_batch import jsonl

    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    parent = api.compile_policy(tmp_path / "policies" / "qualys.claw")  # several files
    shutil.rmtree(tmp_path / "policies")  # nothing for a worker to compile again from
    cases = tmp_path / "cases.jsonl"
    cases.write_text(jsonl(REVISION_CASES[:10]) * 3, encoding="utf-8")
    expected = [[batch.determine_one(item, parent)] for item in batch.items(str(cases))]
    monkeypatch.setattr(batch, "_worker_context",
                        lambda: __import__("multiprocessing").get_context("spawn"))
    found = list(batch._results(parent, batch.items(str(cases)), jobs=2))
    assert [r for group in found for r in group] == [r for [r] in expected]
    assert len(found) < len(expected)  # in groups: from the workers, not case by case


class _SlowStart:
    """A pool whose workers answer nothing until released (as workers that are starting)."""

    def __init__(self):
        self.released = threading.Event()
        self.threads = ThreadPoolExecutor(4)
        self.submitted: list[Future] = []

    def submit(self, function, group):
        def later():
            self.released.wait(30)
            return function(group)
        future = self.threads.submit(later)
        self.submitted.append(future)
        return future


def test_results_come_in_input_order_while_the_parent_fills_in(tmp_path, monkeypatch,
                                                               qualys_2019):
    from tests.conftest import EXAMPLE_CASES
    from tests.test_batch import jsonl

    cases = tmp_path / "cases.jsonl"
    cases.write_text(jsonl(EXAMPLE_CASES[:5]) * 8, encoding="utf-8")  # 40 cases
    monkeypatch.setattr(batch, "_POLICY", qualys_2019)
    monkeypatch.setattr(batch, "FIRST_GROUP", 2)
    monkeypatch.setattr(batch, "GROUP", 4)
    expected = [batch.determine_one(item, qualys_2019) for item in batch.items(str(cases))]
    groups = len(list(batch._groups(batch.items(str(cases)))))
    pool = _SlowStart()
    determine_one, by_parent = batch.determine_one, []

    def watched(item, policy=None):
        if threading.current_thread() is threading.main_thread():
            by_parent.append(item)
            pool.released.set()  # the parent filled in once: now let the workers answer
        return determine_one(item, policy)

    monkeypatch.setattr(batch, "determine_one", watched)
    results = [r for group in batch._in_order(pool, qualys_2019,
                                              batch._groups(batch.items(str(cases))), limit=2)
               for r in group]
    pool.threads.shutdown()
    assert results == expected
    assert by_parent and len(pool.submitted) < groups  # the parent determined some itself


def test_forked_workers_start_from_the_first_case_decided_and_leave_nothing_frozen(
        tmp_path, qualys_2019):
    import gc

    from tests.conftest import EXAMPLE_CASES
    from tests.test_batch import jsonl

    cases = tmp_path / "cases.jsonl"
    cases.write_text(jsonl(EXAMPLE_CASES[:10]) * 3, encoding="utf-8")
    expected = [batch.determine_one(item, qualys_2019) for item in batch.items(str(cases))]
    frozen = gc.get_freeze_count()
    found = batch._results(qualys_2019, batch.items(str(cases)), jobs=2)
    first = next(found)
    assert first == expected[:1]  # decided here, before any worker starts
    rest = [r for group in found for r in group]
    assert rest == expected[1:]
    assert gc.get_freeze_count() == frozen


def test_a_run_that_ends_its_process_leaves_what_it_made_frozen(tmp_path, qualys_2019):
    """The program's `check --batch` (last=True) leaves the parent's objects frozen out of
    the collector, whose pass at exit would otherwise walk and free them all; a caller's
    run thaws them (the test above)."""
    import gc

    from tests.conftest import EXAMPLE_CASES
    from tests.test_batch import jsonl

    cases = tmp_path / "cases.jsonl"
    cases.write_text(jsonl(EXAMPLE_CASES[:10]) * 3, encoding="utf-8")
    frozen = gc.get_freeze_count()
    for jobs in (2, 1):
        out = io.StringIO()
        try:
            batch.run(str(ROOT / "policies" / "qualys-2019.claw"), str(cases), out, jobs,
                      last=True)
            assert gc.get_freeze_count() > frozen, jobs
        finally:
            if not frozen:  # what the run froze, thawed for the tests that follow
                gc.unfreeze()
        assert len(out.getvalue().splitlines()) == 30


def test_groups_shrink_near_a_files_end_so_that_the_workers_finish_together(tmp_path):
    """A group is handed to whichever worker is free: a last group of 32 cases leaves the
    other worker idle while it is decided. Near the end of a file whose size is known the
    groups shrink (at most a quarter of the cases left, with two workers); a stream keeps
    its groups whole."""
    from tests.conftest import EXAMPLE_CASES
    from tests.test_batch import jsonl

    cases = tmp_path / "cases.jsonl"
    cases.write_text(jsonl(EXAMPLE_CASES[:10]) * 60, encoding="utf-8")  # 600 cases
    read = list(batch.items(str(cases)))
    groups = list(batch._groups(iter(read), batch._Group(batch._file_size(str(cases)), 2)))
    assert [item for group in groups for item in group] == read  # each case once, in order
    sizes = [len(group) for group in groups]
    assert max(sizes) == batch.GROUP and sizes[-1] <= 2
    left = len(read)
    for size in sizes[sizes.index(batch.GROUP):]:
        assert size <= max(left // 3, 2), sizes  # a quarter, and the mean size's error
        left -= size
    whole = [len(group) for group in batch._groups(iter(read))]
    assert whole[-1] == (len(read) - 8 - 16 - 32) % batch.GROUP


def test_a_read_error_mid_batch_writes_every_case_read_before_it(qualys_2019, tmp_path,
                                                                  monkeypatch):
    """The input fails after 20 cases (a device error on a pipe): the 20 are decided and
    their lines written, in order, before the error stops the run."""
    import pytest

    from tests.conftest import REVISION_CASES
    from tests.test_batch import jsonl

    cases = tmp_path / "cases.jsonl"
    cases.write_text(jsonl(REVISION_CASES[:10]) * 2, encoding="utf-8")
    read = list(batch.items(str(cases)))

    def failing():
        yield from read
        raise batch.InputError("cannot read <stdin>: Input/output error")

    monkeypatch.setattr(batch, "_POLICY", qualys_2019)
    pool = ThreadPoolExecutor(2)
    written = []
    with pytest.raises(batch.InputError):
        for group in batch._streamed(pool, batch._Feed(failing()), limit=2):
            written.extend(group)
    pool.shutdown()
    assert written == [batch.determine_one(item, qualys_2019) for item in read]
