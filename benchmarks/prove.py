"""How long the SMT proofs of `clawpolicy prove` take (docs/proofs.md), against the time the
evaluator takes to decide one case, in one run: the ratio says how many determinations one
proof costs. Claims: each shipped revision's non-interference, the 2019 and the revised
policies' equivalence outside every sub-set (proved) and everywhere (refuted), and a policy's
equivalence with itself.

    .venv/bin/python benchmarks/prove.py [--refute]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from clawpolicy.api import compile_policy, evaluate, read_case
from clawpolicy.prove import claims
from clawpolicy.tools.proving import where_expression

ROOT = Path(__file__).resolve().parent.parent
QUALYS, OLD = ROOT / "policies" / "qualys.claw", ROOT / "policies" / "qualys-2019.claw"
# Outside every sub-set: of 10D-1 (executive officers, by the flag or a role the Rule names),
# of SOX 304 (the CEO and the CFO) and of California. Without the roles 10D-1 reads, the
# claim was refuted (a participant with an executive_officer role), not proved.
OUTSIDE = ('not participant.executive_officer and participant.work_location != "US-CA" and '
           "every(r in participant.roles satisfies "
           "r.role not in {chief_executive_officer, chief_financial_officer, "
           "principal_accounting_officer, executive_officer, section16_officer})")


def one_determination(policy) -> float:
    case = read_case(ROOT / "examples" / "cases" / "16-partly-paid-award.yaml", policy.vocabulary)
    start = time.perf_counter()
    for _ in range(20):
        evaluate(policy, case)
    return (time.perf_counter() - start) / 20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--refute", action="store_true",
                        help="also the refutation of 2019 = revised (minutes)")
    args = parser.parse_args()
    new, old = compile_policy(QUALYS), compile_policy(OLD)
    unit = one_determination(new)
    print(f"one determination (example 16, revised policy): {unit * 1000:.1f} ms")
    rows = []
    start = time.perf_counter()
    for proof in claims.prove_revisions(new):
        rows.append((proof.claim, proof.status, proof.seconds))
    translate = time.perf_counter() - start - sum(r[2] for r in rows)
    where_policy, expr = where_expression(QUALYS, OUTSIDE)
    for label, proof in [
            ("2019 = revised, outside every sub-set",
             claims.prove_equivalent(old, new, expr, where_policy)),
            ("revised = revised", claims.prove_equivalent(new, compile_policy(QUALYS)))]:
        rows.append((label, proof.status, proof.seconds))
    if args.refute:
        proof = claims.prove_equivalent(old, new)
        rows.append(("2019 = revised, everywhere", proof.status, proof.seconds))
    print(f"translating the three revision claims (both sides): {translate:.2f} s")
    for claim, status, seconds in rows:
        print(f"{claim}: {status}, solved in {seconds:.2f} s "
              f"= {seconds / unit:,.0f} determinations")


if __name__ == "__main__":
    main()
