"""cProfile of clawpolicy's evaluation-only path, (a) of run.py: the compiled policy reused,
the cases validated beforehand, one whole determination per case.

    python benchmarks/profile_eval.py --cases 150 --top 15 [--sort tottime] [--out FILE.prof]
        [--policy policies/qualys.claw] [--core] [--counts]

The same seeded batch and policy (the 2019 one) as run.py by default; `--core` profiles one
three-valued evaluation without open questions (run.py's (a-)) instead of the determination;
`--counts` prints, instead of a profile, what one pass does per award: the expression nodes
the compiled closures evaluate (not taken from the memo), the rule sets an award is decided
under, the revisions' memberships and reaches, the notes' rule sets (the work the revised
policy adds to the 2019 one, beside the overhead of doing some of it twice), and the nodes
split by what they are evaluated for (the revisions' reach, the amounts, the notes, the rest). One warm-up pass is not profiled. Under the
profiler everything runs some 2-3 times slower; read the shares, not the seconds.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from generate import generate_list  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=150)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--awards-min", type=int, default=1)
    parser.add_argument("--awards-max", type=int, default=20)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--sort", default="cumulative", help="cumulative (default) or tottime")
    parser.add_argument("--out", help="also save the raw profile (for snakeviz, pstats)")
    parser.add_argument("--policy", type=Path, default=common.POLICY,
                        help="the policy file (default: the 2019 policy, as run.py)")
    parser.add_argument("--core", action="store_true",
                        help="one evaluation without open questions, not the determination")
    parser.add_argument("--counts", action="store_true",
                        help="what one pass evaluates per award, not a profile")
    args = parser.parse_args(argv)

    from clawpolicy import api
    from run import _core_runner

    policy = api.compile_policy(args.policy)
    cases = generate_list(args.cases, args.seed, args.awards_min, args.awards_max)
    loaded = [common.prevalidate(c) for c in cases]
    one = _core_runner(policy) if args.core else lambda lc: common.evaluate(policy, lc)
    if one is None:
        parser.error("--core: this clawpolicy has no Determiner to run without open questions")
    if args.counts:
        return counts(one, loaded, sum(len(c["awards"]) for c in cases), args.policy)
    for lc in loaded:  # warm-up, not profiled
        one(lc)
    start = time.process_time()
    for lc in loaded:
        one(lc)
    plain = time.process_time() - start

    profiler = cProfile.Profile()
    profiler.enable()
    for lc in loaded:
        one(lc)
    profiler.disable()
    if args.out:
        profiler.dump_stats(args.out)

    awards = sum(len(c["awards"]) for c in cases)
    print(f"{len(cases)} cases, {awards} awards, seed {args.seed}; unprofiled pass "
          f"{plain:.2f}s CPU ({plain / len(cases) * 1000:.2f} ms/case); policy {args.policy.name}"
          + (", without open questions" if args.core else ""))
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)
    # Keep the table; drop pstats' preamble of blank lines.
    print("\n".join(line for line in text.getvalue().splitlines() if line.strip()))
    return 0


def counts(one, loaded, awards: int, policy: Path) -> int:
    """One pass, counting what it evaluates (by wrapping the determiner's methods and the
    compiled closures; a memo hit is not counted)."""
    from collections import Counter

    from clawpolicy.evaluate import compiled
    from clawpolicy.evaluate.decide import Determiner
    try:
        from clawpolicy.evaluate import amounts
    except ImportError:  # a checkout from before evaluate/amounts.py
        amounts = None

    counted: Counter = Counter()
    # Which part of deciding an award a node is evaluated for (`--counts` splits the nodes
    # evaluated by it): the revisions' reach, the amounts, the policy's notes, or the rest
    # (memberships, scope and conditions).
    part = ["the rest"]

    def counting(name, method):
        def wrapper(*args, **named):
            counted[name] += 1
            return method(*args, **named)
        return wrapper

    def within(name, method):
        def wrapper(*args, **named):
            outer, part[0] = part[0], name
            try:
                return method(*args, **named)
            finally:
                part[0] = outer
        return wrapper

    compile_node = compiled.Compiled._compile

    def _compile(table, node):
        fn = compile_node(table, node)
        if not table.memo:
            return counting("nodes evaluated (no reasons)", fn)

        def miss(ev, env):
            if id(node) not in env.memo:
                counted["nodes evaluated"] += 1
                counted[f"  ... for {part[0]}"] += 1
            return fn(ev, env)
        return miss

    patched = {"evaluate": "rule sets decided", "membership": "memberships",
               "_reaches": "reaches", "_choose": "choices"}
    saved = {name: getattr(Determiner, name) for name in patched}
    # The notes are evaluated by evaluate/amounts.py where it has them (before, decide.py).
    notes = getattr(amounts, "policy_notes", None) if amounts is not None else None
    if notes is None:
        patched["_notes"] = "notes' rule sets"
        saved["_notes"] = Determiner._notes
    compiled.Compiled._compile = _compile
    compiled._TABLES.clear()
    for name, label in patched.items():
        setattr(Determiner, name, counting(label, saved[name]))
    saved["_amounts"] = Determiner._amounts
    Determiner._amounts = within("the amounts", saved["_amounts"])
    Determiner._reaches = within("the reaches", Determiner._reaches)
    if notes is None:  # a checkout from before evaluate/amounts.py
        Determiner._notes = within("the notes", Determiner._notes)
    else:
        amounts.policy_notes = within("the notes", counting("notes' rule sets", notes))
    try:
        for lc in loaded:
            one(lc)
    finally:
        compiled.Compiled._compile = compile_node
        compiled._TABLES.clear()
        for name, method in saved.items():
            setattr(Determiner, name, method)
        if notes is not None:
            amounts.policy_notes = notes
    print(f"{len(loaded)} cases, {awards} awards; policy {policy.name}; per award:")
    parts = sorted((label, n) for label, n in counted.items() if label.startswith("  ..."))
    for label, n in sorted(counted.items()):
        if not label.startswith("  ..."):
            print(f"  {label:<30} {n / awards:8.2f}")
        if label == "nodes evaluated":
            for part_label, m in parts:
                print(f"  {part_label:<30} {m / awards:8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
