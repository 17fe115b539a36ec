"""Where a case's time goes in `check --batch`, end to end: the case read (its JSON, its
validation), the determination (the exactness rule's search, the reasons written, the seal,
the participant, the awards' facts, the case's notes, the totals) and its line written, each part timed by
wrapping the function that does it, in one process, as `batch.determine_one` runs them.

    python benchmarks/batch_costs.py [--cases 2000] [--awards-min 1] [--awards-max 1]
        [--seed 7] [--policy policies/qualys-2019.claw] [--passes 2]
    PYTHONPATH=/some/snapshot python benchmarks/batch_costs.py   # another commit's code

The cases are generate.py's, given to `batch.determine_one` as the lines of a JSON Lines
file; CPU is time.process_time, the collector off while timed, after a warm-up pass on the
first 200 cases. A part inside another counts in both (the search, the reasons and the seal
are parts of the determination). Under the wrappers everything runs a little slower: read
the shares, and compare two commits in alternating processes, not the milliseconds of one.
"""

from __future__ import annotations

import argparse
import collections
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_list  # noqa: E402
from clawpolicy import api, batch  # noqa: E402
from clawpolicy.evaluate import determine, settle  # noqa: E402
from clawpolicy.input import reader  # noqa: E402

# (owner, function name, what it is), in the order the table lists them.
_PARTS = [
    (api, "evaluate", "the determination (api.evaluate)"),
    # determine.py imports `settle` where a case opens a question (since cold11), earlier at
    # its top: wrapped where the name is read.
    (determine if hasattr(determine, "settle") else settle, "settle",
     "  the exactness rule (settle: the search and its runs)"),
    (determine, "rendered", "  the reasons written (reasons.rendered)"),
    (determine, "seal", "  the seal"),
    (determine, "participant", "  the participant"),
    (determine, "item_facts", "  the awards' facts"),
    (determine, "case_notes", "  the case's notes (the constraints it breaks)"),
    (determine, "total_field", "  the totals"),
    (determine, "sum_field", "  the totals"),
    (determine, "policy_ref", "  the policy's reference"),
    (batch, "read_item", "the case read (batch.read_item)"),
    (reader, "read_data", "  its JSON"),
    (reader, "validate_case", "  its validation and cross-references"),
    (batch, "render_line", "the line written (render_line)"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--awards-min", type=int, default=1)
    parser.add_argument("--awards-max", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--policy", default=str(Path(__file__).resolve().parents[1] / "policies"
                                                / "qualys-2019.claw"))
    parser.add_argument("--passes", type=int, default=2)
    args = parser.parse_args()

    cases = generate_list(args.cases, seed=args.seed, awards_min=args.awards_min,
                          awards_max=args.awards_max)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        f.write("".join(json.dumps(case) + "\n" for case in cases))
    items = list(batch.items(f.name))
    Path(f.name).unlink()
    policy = api.compile_policy(args.policy)
    for item in items[:200]:
        batch.determine_one(item, policy)

    cpu: collections.Counter = collections.Counter()
    clock = time.process_time
    for owner, name, label in _PARTS:
        inner = getattr(owner, name)

        def wrapped(*a, _inner=inner, _label=label, **k):
            start = clock()
            try:
                return _inner(*a, **k)
            finally:
                cpu[_label] += clock() - start
        setattr(owner, name, wrapped)

    gc.collect()
    gc.disable()
    start = clock()
    for _ in range(args.passes):
        for item in items:
            batch.determine_one(item, policy)
    total = clock() - start
    gc.enable()
    n = args.passes * len(items)
    print(f"{len(items)} cases ({args.awards_min}-{args.awards_max} awards, seed {args.seed}), "
          f"{Path(args.policy).name}, {args.passes} passes; CPU ms a case, share of the whole")
    print(f"{'all: read, determined, written':58s} {1000 * total / n:8.4f}  100.0%")
    for label in dict.fromkeys(label for _, _, label in _PARTS):
        print(f"{label:58s} {1000 * cpu[label] / n:8.4f}  {100 * cpu[label] / total:5.1f}%")


if __name__ == "__main__":
    main()
