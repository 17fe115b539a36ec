"""The claims proved: a revision touches no one outside its sub-set (`prove_revisions`), and
two policies agree on every case of the bounded shape, or on every case where an expression
holds (`prove_equivalent`). Each is proved, or refuted by a counterexample case file that
the evaluator is then run on, to show the difference really is there."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import z3

from clawpolicy.check.checker import CheckedPolicy
from clawpolicy.prove.decide import OUTCOMES, Case, Decider
from clawpolicy.prove.shape import LIST_BOUND, OTHER_TEXTS, YEARS, Shape, Unsupported, case_of

from clawpolicy.syntax import ast

# The functions that read their last argument as a month and day ("12-31").
MONTH_DAY_LAST = ("fiscal_year_end_before", "fiscal_period_end_before",
                  "fiscal_years_start_before")
TIMEOUT_MS = 300_000
# The brief tries (the case with every fact known first; each list item left out) are bounded
# by the solver's count of work done (`rlimit`), never by the clock: the same policies give the
# same counterexample however loaded the machine (a clock's bound made it follow the load).
# About 20 s and 10 s of a quiet machine's solving at most; most tries take a few million.
HINT_RLIMIT = 300_000_000
SHRINK_RLIMIT = 150_000_000
FRAGMENT = (f"cases of one item of the list decided item by item, up to {LIST_BOUND} items of "
            "every other list (of the case or of a record) but none of the lists whose items "
            "name a decided item (recoveries, findings per item), amounts in the default unit, "
            "fiscal calendars of one year end each year (no period ends listed), "
            f"dates in {YEARS[0]}-{YEARS[1]}; "
            "compared: each award's outcome, recoverable amount, remedies (kind, modality, "
            "amount), notes and what an exception excuses, the other amounts (amounts exact, compared to the cent as "
            "shown), and whether the evaluation stops with an error; open questions and their "
            "settling are not")


@dataclass
class Proof:
    """One claim: `proved`, `refuted` (with a counterexample) or `unknown` (the solver gave
    up, or the policy holds a construct outside the fragment: `outside`)."""

    claim: str
    status: str
    seconds: float = 0  # solving time, for the report only
    counterexample: dict[str, Any] | None = None
    outcomes: tuple[str, str] | None = None  # the evaluator's, with and without / old, new
    outside: tuple[str, Any] | None = None   # what is outside the fragment, and where
    reason: str = ""
    policies: tuple[CheckedPolicy, CheckedPolicy] | None = field(default=None, repr=False)
    within: tuple[str, str] = ("", "")  # the bounds a "proved" holds within, and a note


def _walk(node: Any, seen: set[int]):
    if id(node) in seen:
        return
    seen.add(id(node))
    yield node
    if isinstance(node, tuple | list):
        for x in node:
            yield from _walk(x, seen)
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for f in dataclasses.fields(node):
            if f.name not in ("span", "name_span", "citation", "quote_spans"):
                yield from _walk(getattr(node, f.name), seen)


def _field_path(node: Any) -> str | None:
    if isinstance(node, ast.Name):
        return node.name
    if isinstance(node, ast.Field):
        inner = _field_path(node.subject)
        return f"{inner}.{node.name}" if inner else None
    return None


def shape_for(*policies: CheckedPolicy) -> Shape:
    """The symbolic case for these policies: the words they name, and the texts they read as
    a month and day."""
    texts: set[str] = set()
    month_days: set[str] = set()
    for policy in policies:
        for node in _walk((policy.rules, policy.revisions), set()):
            if isinstance(node, ast.Text):
                texts.add(node.value)
            elif isinstance(node, ast.Call) and node.function in MONTH_DAY_LAST:
                path = _field_path(node.args[-1]) if len(node.args) > 1 else None
                if path:
                    month_days.add(path)
    shape = Shape(policies[0].case_type, policies[0].vocabulary, texts - set(OTHER_TEXTS),
                  month_days)
    shape.extra = extra_places(*policies)
    shape.scale = 10 ** shape.extra
    shape.root.read("as_of")  # every case file gives it
    return shape


def extra_places(*policies: CheckedPolicy) -> int:
    """The decimal places beyond the cent that the policies' amounts need to be exact: a
    number written with d places has d, a case's amount 2 (whole cents), a product the sum of
    its factors' (`x * 0.5`: 3; a portion times an amount: 4), anything else the most of its
    parts'; a name, the most of every rule of that name (in any policy, revised or not). The
    shape's units are then fine enough for every product to be exact (terms.product)."""
    bodies: dict[str, list[Any]] = {}
    for policy in policies:
        for node in _walk((policy.rules, policy.revisions), set()):
            body = getattr(type(node), "body_field", None)
            if body and isinstance(getattr(node, "name", None), str):
                bodies.setdefault(node.name, []).append(getattr(node, body))
    memo: dict[int, int] = {}

    def places(node: Any, policy: CheckedPolicy) -> int:
        if id(node) in memo:
            return memo[id(node)]
        memo[id(node)] = 2  # the rules a policy reads are not cyclic (checked)
        match node:
            case ast.Number(value=v) | ast.MoneyLit(value=v):
                found = max(0, -int(v.as_tuple().exponent))
            case ast.Name():
                resolution = policy.resolutions.get(id(node))
                found = max((places(b, policy) for b in bodies.get(resolution.target, ())),
                            default=2) if resolution is not None and \
                    resolution.kind == "rule" else 2
            case ast.Binary(op="*"):
                found = places(node.left, policy) + places(node.right, policy)
            case ast.Call(function="at_price"):
                found = sum(places(a, policy) for a in node.args)
            case _:
                found = max((places(c, policy) for c in ast.children(node)), default=2)
        memo[id(node)] = found
        return found

    most = 2
    for policy in policies:
        for node in _walk((policy.rules, policy.revisions), set()):
            if isinstance(node, ast.Expr):
                most = max(most, places(node, policy))
    return most - 2


def brought_in(policy: CheckedPolicy, source: Any) -> list[Any]:
    """The file `source` and every file it includes, directly or through others. The files
    are loaded depth first, each include in turn (syntax/load.py; a file is included once),
    so a file's includes are the subtrees that follow it, one for each `include`."""
    files = [(file, sum(isinstance(d, ast.Include) for d in module.decls))
             for _, file, module in policy.loaded.files]

    def subtree(i: int) -> int:  # the index after the subtree of file i
        end = i + 1
        for _ in range(files[i][1]):
            end = subtree(end)
        return end

    start = next(i for i, (file, _) in enumerate(files) if file is source)
    return [file for file, _ in files[start:subtree(start)]]


def within(*policies: CheckedPolicy) -> tuple[str, str]:
    """The bounds a proof of these policies holds within, for its "proved" line: one decided
    item, and where a policy reads across the decided items (a total over the awards, a
    count of them), a note that a difference needing two of them is not sought."""
    roles = policies[0].vocabulary.roles
    for policy in policies:
        for node in _walk((policy.rules, policy.revisions), set()):
            resolution = policy.resolutions.get(id(node)) if isinstance(node, ast.Name) \
                else None
            if resolution is not None and resolution.kind == "root" and \
                    resolution.target == roles.decided:
                return (f"for cases of one {roles.each} only, up to {LIST_BOUND} items of "
                        "every other list",
                        f"{node.span} reads across the {roles.decided}: a difference that "
                        f"needs two or more {roles.decided} is not sought")
    return f"for cases of one {roles.each}, up to {LIST_BOUND} items of every other list", ""


def without(policy: CheckedPolicy, revision: ast.Revision) -> CheckedPolicy:
    """The policy as if the revision had not been written: the block, and the rules declared
    beside it in its own file (not the policy's root file) or in the files that file
    includes, directly or through others, are dropped: a rule that comes in with the
    revision's file reaches everyone, and is the leak the proof is there to find."""
    root = policy.loaded.files[0][1]
    own = revision.span.file
    dropped = {id(revision)}
    if own is not root:
        files = {id(f) for f in brought_in(policy, own)}
        dropped |= {id(r) for r in policy.rules
                    if id(r.span.file) in files and r.kind not in ("definition", "provision",
                                                                   "recital")}
    return dataclasses.replace(
        policy, rules=tuple(r for r in policy.rules if id(r) not in dropped),
        revisions=tuple(r for r in policy.revisions if id(r) not in dropped))


def shown(x: Any, extra: int) -> Any:
    """An amount in the shape's units (10**-(2 + extra)) as the output shows it: in whole
    cents, half to even, as core/values.py quantizes it."""
    if extra == 0:
        return x
    scale = 10 ** extra
    whole, rest = x / scale, x % scale  # rounded down, and what is left (never negative)
    return z3.If(2 * rest > scale, whole + 1,
                 z3.If(2 * rest < scale, whole, z3.If(whole % 2 == 0, whole, whole + 1)))


def same(a: Case, b: Case) -> Any:
    """The two determinations agree on everything compared (FRAGMENT): amounts to the cent,
    as the output shows them."""
    x, y = a.award, b.award
    none = (z3.BoolVal(False), z3.IntVal(0), z3.IntVal(0))

    def _equal(u: Any, v: Any) -> Any:
        return shown(u, a.extra) == shown(v, a.extra)

    parts = [x.outcome == y.outcome,
             z3.Implies(x.outcome != 3, _equal(x.recoverable, y.recoverable)),
             a.others_unknown == b.others_unknown]
    for k in dict.fromkeys([*x.remedies, *y.remedies]):
        (s1, m1, c1), (s2, m2, c2) = x.remedies.get(k, none), y.remedies.get(k, none)
        parts.append(s1 == s2)
        parts.append(z3.Implies(s1, z3.And(m1 == m2, _equal(c1, c2))))
    for k in dict.fromkeys([*x.notes, *y.notes]):
        parts.append(x.notes.get(k, z3.BoolVal(False)) == y.notes.get(k, z3.BoolVal(False)))
    for k in dict.fromkeys([*x.excused, *y.excused]):
        (s1, c1), (s2, c2) = x.excused.get(k, none[::2]), y.excused.get(k, none[::2])
        parts += [s1 == s2, z3.Implies(s1, _equal(c1, c2))]
    for k in dict.fromkeys([*a.others, *b.others]):
        (f1, v1), (f2, v2) = a.others.get(k, none[::2]), b.others.get(k, none[::2])
        parts += [f1 == f2, z3.Implies(f1, _equal(v1, v2))]
    return z3.And(a.err == b.err, z3.Implies(z3.Not(a.err), z3.And(*parts)))


def _solve(shape: Shape, claim: str, premise: Any, agree: Any,
           policies: tuple[CheckedPolicy, CheckedPolicy]) -> Proof:
    start = time.perf_counter()
    # Solved in a context of its own: z3 numbers its terms per context (reusing the numbers
    # of terms freed) and its search breaks ties by those numbers, so in the shared one the
    # model found, and the work a brief try needs, followed whatever the process had built
    # before (another proof, another test). Copied into a fresh context, the same policies
    # give the same numbering, search and counterexample in any process.
    ctx = z3.Context()
    solver = z3.Solver(ctx=ctx)
    solver.set("timeout", TIMEOUT_MS)
    solver.add(*(f.translate(ctx) for f in
                 (*shape.domain, *shape.calendar.facts, premise, z3.Not(agree))))
    # A difference is often found first among cases whose every fact is known: tried briefly
    # (as assumptions, which only narrow the search), then the whole shape.
    known = [k.translate(ctx) for kind, k, _, _ in shape.leaves.values()
             if z3.is_const(k) and not z3.is_true(k) and kind != "record"]
    solver.set("rlimit", HINT_RLIMIT)
    verdict = solver.check(*known)
    solver.set("rlimit", 0)  # no bound but the clock's, which ends in "unknown", said so
    if verdict != z3.sat:
        known = []
        verdict = solver.check()
    seconds = time.perf_counter() - start
    if verdict == z3.unsat:
        return Proof(claim, "proved", seconds)
    if verdict == z3.unknown:
        return Proof(claim, "unknown", seconds, reason=solver.reason_unknown())
    model = _fewer_items(solver, shape, known, solver.model())
    case = case_of(shape, model.translate(z3.main_ctx()), f"Counterexample: {claim}")
    return Proof(claim, "refuted", seconds, counterexample=case, policies=policies)


def _fewer_items(solver: z3.Solver, shape: Shape, kept: list, model: z3.ModelRef):
    """A counterexample without the items of its lists that the difference does not need
    (a statement, a role, a sale), so that the case file shows what makes the difference:
    each item is left out in turn where the difference stays, briefly (SHRINK_RLIMIT each)."""
    kept = list(kept)
    solver.set("rlimit", SHRINK_RLIMIT)
    for kind, _, items, _ in shape.leaves.values():
        if kind != "list":
            continue
        for present, _ in reversed(items):
            if z3.is_true(present):
                continue
            present = present.translate(solver.ctx)
            if not z3.is_true(model.eval(present, model_completion=True)):
                continue
            if solver.check(*kept, z3.Not(present)) == z3.sat:
                kept.append(z3.Not(present))
                model = solver.model()
    return model


def prove_revisions(policy: CheckedPolicy) -> list[Proof]:
    """For each revision: no participant outside its sub-set gets a different determination
    with the revision than without it."""
    proofs = []
    for revision in policy.revisions:
        claim = f"{revision.name} touches no one outside its sub-set"
        other = without(policy, revision)
        try:
            shape = shape_for(policy, other)
            with_it = Decider(policy, shape).case()
            without_it = Decider(other, shape).case()
        except Unsupported as outside:
            proofs.append(Proof(claim, "unknown", outside=outside.args[0]))
            continue
        member = with_it.membership[revision.name]
        outside_it = z3.And(member.known, z3.Not(member.val), z3.Not(member.err))
        proof = _solve(shape, claim, outside_it, same(with_it, without_it), (policy, other))
        proof.within = within(policy, other)
        proofs.append(proof)
    return proofs


def prove_equivalent(old: CheckedPolicy, new: CheckedPolicy, where: ast.Expr | None = None,
                     where_policy: CheckedPolicy | None = None,
                     output: Path | None = None) -> Proof:
    """OLD and NEW agree on every case of the bounded shape (where `where`, an expression
    checked in `where_policy`, holds). A counterexample is written to `output`."""
    claim = "the two policies agree" + (" where the condition holds" if where else "")
    try:
        shape = shape_for(old, new, *([where_policy] if where_policy else []))
        a, b = Decider(old, shape).case(), Decider(new, shape).case()
        premise = z3.BoolVal(True)
        if where is not None:
            from clawpolicy.prove.terms import Terms
            from clawpolicy.revise import rules as rs
            policy = where_policy or new
            holds = Terms(policy, shape, rs.composed(policy, []),
                          Decider(policy, shape).award_rec).term(where)
            premise = z3.And(holds.known, holds.val, z3.Not(holds.err))
    except Unsupported as outside:
        return Proof(claim, "unknown", outside=outside.args[0])
    proof = _solve(shape, claim, premise, same(a, b), (old, new))
    proof.within = within(old, new)
    if output is not None and proof.counterexample is not None:
        write_case(proof.counterexample, output)
    return proof


def write_case(case: dict[str, Any], path: Path) -> None:
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(Decimal, lambda d, v: d.represent_scalar(
        "tag:yaml.org,2002:float", format(v.quantize(Decimal("0.01")), "f")))
    path.write_text(yaml.dump(case, Dumper=Dumper, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")


__all__ = ["FRAGMENT", "OUTCOMES", "Proof", "prove_equivalent", "prove_revisions",
           "same", "shape_for", "without", "write_case"]
