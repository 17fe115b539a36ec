"""How `check --batch --jobs N` hands out its cases (clawpolicy/batch.py): a spawned worker
compiles the policy the parent checked, from the texts it was sent, whatever the files
hold meanwhile; and the results come out in input order however the workers finish,
including the groups the parent determines itself while its workers start."""

from __future__ import annotations

import shutil
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from clawpolicy import api, batch
from tests.conftest import ROOT


def test_a_spawned_worker_compiles_the_parents_policy_not_the_files_edited_since(
        tmp_path, monkeypatch):
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    path = tmp_path / "policies" / "qualys.claw"  # with its revisions: several files
    parent = api.compile_policy(path)
    texts = batch.policy_texts(parent)
    assert len(texts) == len(parent.loaded.files) > 1
    for name in texts:  # every file edited after the parent checked it
        with open(name, "a", encoding="utf-8") as f:
            f.write("\n# edited\n")
    monkeypatch.setattr(batch, "_quiet_interrupts", lambda: None)  # not in the test runner
    monkeypatch.setattr(batch, "_POLICY", None)
    batch._start_worker(str(path), texts)
    assert batch._POLICY.loaded.sha256 == parent.loaded.sha256
    assert api.compile_policy(path).loaded.sha256 != parent.loaded.sha256


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
