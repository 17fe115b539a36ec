"""How choosing among revisions grows with the number of revisions a participant is in.

Alternatives are the largest groups of revisions no two of which change the same rule. The
first build found them by trying every subset (2**n); they are now found from the rules each
revision changes (`clawpolicy.revise.alternatives._largest_compatible`). This script times both, on the
same revisions, in one run, and reports the ratio; past 20 revisions only the new method is
run (2**n is out of reach there), together with a whole determination of a generated policy
whose participant is in every revision.

    .venv/bin/python benchmarks/revisions.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from clawpolicy.revise import alternatives as rs
from clawpolicy.api import compile_policy, evaluate, read_case


def by_subsets(revisions):
    """The first build's method: every subset of the revisions, largest first."""
    n = len(revisions)
    clash = [[bool(a.targets & b.targets) and a is not b for b in revisions] for a in revisions]
    groups: list[list[int]] = []
    for mask in range(2 ** n - 1, -1, -1):
        members = [i for i in range(n) if mask >> i & 1]
        if any(clash[i][j] for i in members for j in members):
            continue
        if any(set(members) < set(g) for g in groups):
            continue
        groups.append(members)
    return groups


def revisions(n: int, every: int = 4):
    """n revisions: each changes a rule of its own, and every `every`-th also the rule of the
    one before it, so those two are alternatives (each such pair doubles the groups)."""
    return [SimpleNamespace(name=f"r{i}", targets={f"c{i}"} | ({f"c{i - 1}"}
                                                               if i % every == every - 1
                                                               else set()))
            for i in range(n)]


def best_of(run, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


POLICY_HEAD = '''policy "Many revisions" effective 2020-01-01 end
scope covered clause "1" quote "q" requires true end
recoverable excess clause "2" quote "q"
  is max(award.amount_awarded - award.amount_as_restated, 0 USD) end
remedy repay clause "3" quote "q" shall recover up to excess end
'''


def policy_text(n: int) -> str:
    conditions = "".join(f'condition c{i} clause "c{i}" quote "q" requires true end\n'
                         for i in range(n))
    revs = "".join(
        f'revision r{i} clause "r{i}" quote "q" applies to participant.section16_officer\n'
        f'  replace condition c{i} clause "r{i}" quote "q" requires true end\nend\n'
        for i in range(n))
    return POLICY_HEAD + conditions + revs


CASE = '''case_id: many
as_of: 2024-01-01
participant: {section16_officer: true}
awards:
  - {id: a, kind: cash_incentive, granted: 2021-01-01, amount_awarded: 100,
     amount_as_restated: 60, amount_paid: 100}
'''


def main() -> None:
    print("revisions  groups  by subsets (ms)  by rules changed (ms)  ratio")
    for n in (4, 8, 12, 16, 18):
        revs = revisions(n)
        old = best_of(lambda: by_subsets(revs), 3)
        new = best_of(lambda: rs._largest_compatible(revs))
        groups = len(rs._largest_compatible(revs))
        assert groups == len(by_subsets(revs))
        print(f"{n:>9}  {groups:>6}  {old * 1000:>15.2f}  {new * 1000:>21.3f}  {old / new:>6.0f}x")
    for n in (40, 200):
        revs = revisions(n, every=20)
        new = best_of(lambda: rs._largest_compatible(revs))
        print(f"{n:>9}  {len(rs._largest_compatible(revs)):>6}  {'(2**n: skipped)':>15}  "
              f"{new * 1000:>21.3f}")
    print("\nwhole determination, participant in every revision (each changes its own rule):")
    with tempfile.TemporaryDirectory() as folder:
        case_path = Path(folder) / "case.yaml"
        case_path.write_text(CASE)
        base_time = None
        for n in (1, 10, 40, 100):
            path = Path(folder) / f"p{n}.claw"
            path.write_text(policy_text(n))
            policy = compile_policy(path)
            loaded = read_case(case_path)
            elapsed = best_of(lambda: evaluate(policy, loaded))
            base_time = base_time or elapsed
            print(f"{n:>9} revisions: {elapsed * 1000:8.2f} ms  ({elapsed / base_time:5.1f}x the "
                  "one-revision policy)")


if __name__ == "__main__":
    main()
