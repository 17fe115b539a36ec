"""What a valid policy would fail on at run time, found without a case.

**Reads of a record that may be absent.** A record whose absence means "there is none" (the
case's `restatement`) has no fields to read when it is absent: `restatement.material` then
stops the run (CP0501). A read is guarded when the evaluation can only reach it with the
record present: after `restatement is present and`, in the `then` of `if restatement is
present`, after `restatement is absent or`, in a condition when a scope requires
`restatement is present`, or after an earlier read of the same record (which would have
stopped the run already). The analysis follows the evaluator's order: `and` and `or` read
their right side only when the left does not settle them, `if` reads the branch its condition
chooses (both when it is unknown), a condition is evaluated only when no scope failed, and
the amounts only when no condition failed; a definition is followed wherever it is used.

An unguarded read is an error of the checker (CP0306) when a case without the record must
reach it: every test the evaluation passes on the way to it (the left side of an `and`, a
scope before a condition, ...) reads no field of that record, and can let the evaluation on
when the record is absent: its presence tests then have their one outcome, and every other
test that reads a fact is taken to be free to come out true, false or unknown (a fact may be
unknown). Otherwise (a test on the way reads a field of the record, or reads no fact at all,
so that its outcome cannot be told) the read may or may not be reached, and `lint` warns
(CP1008). Tests are taken one by one: two that contradict each other (`x > 5` before
`x < 3`) are not seen to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from clawpolicy.core import types as t
from clawpolicy.core.diagnostics import Diagnostic
from clawpolicy.syntax import ast

if TYPE_CHECKING:
    from clawpolicy.check.policy import Resolution

# What is known on the way to a node: (record, present) pairs. None stands for "anything":
# what a value that can never come about implies (`false` is never other than false).
Facts = frozenset[tuple[str, bool]] | None
NOTHING: Facts = frozenset()
# A test's outcomes: true, false, or unknown; and the outcomes that let the evaluation on.
UNKNOWN = "unknown"
TRUE, FALSE = frozenset({True}), frozenset({False})
NOT_FALSE, NOT_TRUE = frozenset({True, UNKNOWN}), frozenset({False, UNKNOWN})
ITEMS = "items"  # a list the evaluation goes through: it must have one


def _union(a: Facts, b: Facts) -> Facts:
    return None if a is None or b is None else a | b


def _common(a: Facts, b: Facts) -> Facts:
    return b if a is None else a if b is None else a & b


def _holds(facts: Facts, fact: tuple[str, bool]) -> bool:
    return facts is None or fact in facts


@dataclass(frozen=True)
class UnguardedRead:
    node: ast.Field
    record: str     # the case field that may be absent
    certain: bool   # a case without the record must reach it
    via: ast.Name | None = None  # the definition's name, where a rule uses it, if in one

    def diagnostic(self) -> Diagnostic:
        read = " ".join(self.node.span.text.split()) if self.node.span is not None \
            else f"{self.record}.{self.node.name}"
        where, guard = "first", f"`{self.record} is present and {read}`"
        if self.via is not None:  # guard the use, not the definition (used elsewhere too)
            where = f"where `{self.via.name}` is used ({self.via.span})"
            guard = f"`{self.record} is present and {self.via.name}`"
        if self.certain:
            return Diagnostic(
                "CP0306", f"`{read}` is read even when the case has no {self.record}",
                f"test that there is one {where}: {guard}; a case without a {self.record} "
                "stops here (CP0501)", self.node.span)
        return Diagnostic(
            "CP1008", f"`{read}` may be read when the case has no {self.record}",
            f"nothing before it shows that there is one; test it {where}: {guard}",
            self.node.span, severity="warning")


def unguarded_reads(rules: tuple[ast.Rule, ...], revisions: tuple[ast.Revision, ...],
                    resolutions: dict[int, Resolution], case: t.Record) -> list[UnguardedRead]:
    """Every read of a field of a record that may be absent, not guarded by a test that it is
    present, in source order."""
    return _Reads(rules, revisions, resolutions, case).run()


class _Reads:
    def __init__(self, rules, revisions, resolutions, case: t.Record):
        self.rules, self.revisions = rules, revisions
        self.resolutions = resolutions
        self.case = case
        self.by_name = {r.name: r for r in rules}
        self.found: dict[int, UnguardedRead] = {}
        self.walked: set[tuple] = set()
        self.in_progress: set[str] = set()

    # ------------------------------------------------------------ the rules, in evaluation order
    def run(self) -> list[UnguardedRead]:
        changed = {c.target for r in self.revisions for c in r.changes
                   if c.action in ("remove", "replace")}
        stable = [r for r in self.rules if r.name not in changed]
        for scope in self.of(self.rules, "scope"):
            self.walk(scope.body, NOTHING, ())
        self.decide(self.rules, stable, NOTHING, ())
        for revision in self.revisions:
            member, gates, members = NOTHING, (), ()
            if revision.applies_to is not None:
                self.walk(revision.applies_to, NOTHING, ())
                member = self.unless(revision.applies_to, False)
                # The award's rules are composed when membership may hold; the case's
                # `other` amounts only when it does.
                gates = ((revision.applies_to, NOT_FALSE),)
                members = ((revision.applies_to, TRUE),)
            for change in revision.changes:
                if change.rule is not None and change.rule.kind == "other":
                    self.other(change.rule, member, members)
            if revision.reaches is not None:
                self.walk(revision.reaches, member, gates)
                member = _union(member, self.unless(revision.reaches, False))
                gates += ((revision.reaches, NOT_FALSE),)
            own = [c.rule for c in revision.changes if c.rule is not None]
            for scope in self.of(own, "scope"):
                self.walk(scope.body, member, gates)
            self.decide([r for r in own if r.kind != "other"], stable + own, member, gates)
        return sorted(self.found.values(), key=lambda r: (
            r.node.span.file.name, r.node.span.start) if r.node.span is not None else ("", 0))

    @staticmethod
    def of(rules, kind: str) -> list[ast.Rule]:
        return [r for r in rules if r.kind == kind]

    def decide(self, rules, in_force, known: Facts, gates: tuple) -> None:
        """Conditions after the scopes in force (none false), amounts and remedies after the
        conditions (none false), notes after the scopes; `other` amounts on their own."""
        scopes = tuple((r.body, NOT_FALSE) for r in self.of(in_force, "scope"))
        conditions = tuple((r.body, NOT_FALSE) for r in self.of(in_force, "condition"))
        after_scopes = self.all_pass(known, scopes)
        after_conditions = self.all_pass(after_scopes, conditions)
        for rule in rules:
            match rule.kind:
                case "condition" | "note":
                    self.walk(rule.body, after_scopes, gates + scopes)
                case "recoverable":
                    self.walk(rule.body, after_conditions, gates + scopes + conditions)
                case "excuse":  # the amount is read when `when` is true
                    before = gates + scopes + conditions
                    self.walk(rule.when, after_conditions, before)
                    self.walk(rule.body, _union(after_conditions, self.unless(rule.when, False)),
                              before + ((rule.when, TRUE),))
                case "remedy":
                    before, known_here = gates + scopes + conditions, after_conditions
                    if rule.unless is not None:  # the cap is read when `unless` is false
                        self.walk(rule.unless, after_conditions, before)
                        known_here = _union(known_here, self.unless(rule.unless, True))
                        before += ((rule.unless, FALSE),)
                    self.walk(rule.body, known_here, before)
                case "other":
                    self.other(rule, known, gates)

    def all_pass(self, known: Facts, tests: tuple) -> Facts:
        for test, _ in tests:
            known = _union(known, self.unless(test, False))
        return known

    def other(self, rule: ast.Rule, known: Facts, gates: tuple) -> None:
        """`when` true, then each item of the list, then `where` true, then the amount."""
        each = rule.each
        if each.when is not None:
            self.walk(each.when, known, gates)
            known = _union(known, self.unless(each.when, False))
            gates += ((each.when, TRUE),)
        self.walk(each.collection, known, gates)
        gates += ((each.collection, ITEMS),)
        if each.where is not None:
            self.walk(each.where, known, gates)
            known = _union(known, self.unless(each.where, False))
            gates += ((each.where, TRUE),)
        self.walk(rule.body, known, gates)

    # ------------------------------------------------------------ expressions
    def walk(self, node: ast.Expr | None, known: Facts, gates: tuple,
             via: ast.Name | None = None) -> None:
        """Visit what evaluating `node` reads, knowing `known`, having passed `gates` (each a
        test and the outcomes that let the evaluation on), inside the definition a rule
        names at `via`, if any."""
        if node is None:
            return
        match node:
            case ast.Field():
                record = self.record_of(node.subject)
                if record is not None and not _holds(known, (record, True)):
                    certain = all(self.passable(g, accepted, record) for g, accepted in gates)
                    previous = self.found.get(id(node))
                    if previous is None or (certain and not previous.certain):
                        self.found[id(node)] = UnguardedRead(node, record, certain, via)
                self.walk(node.subject, known, gates, via)
            case ast.Logical(op=op, left=left, right=right):
                self.walk(left, known, gates, via)
                settles = op == "or"  # the right side is read when the left is not this
                self.walk(right, _union(known, self.unless(left, settles)),
                          gates + ((left, NOT_TRUE if settles else NOT_FALSE),), via)
            case ast.If(condition=c, then=a, otherwise=b):
                self.walk(c, known, gates, via)
                self.walk(a, _union(known, self.unless(c, False)), gates + ((c, NOT_FALSE),),
                          via)
                self.walk(b, _union(known, self.unless(c, True)), gates + ((c, NOT_TRUE),),
                          via)
            case ast.Quantifier(collection=c, body=body):
                self.walk(c, known, gates, via)
                self.walk(body, _union(known, self.strict(c)), gates + ((c, ITEMS),), via)
            case ast.Aggregate(collection=c, value=value, where=where):
                self.walk(c, known, gates, via)
                known, gates = _union(known, self.strict(c)), gates + ((c, ITEMS),)
                self.walk(where, known, gates, via)
                if where is not None:
                    known = _union(known, self.unless(where, False))
                    gates += ((where, TRUE),)
                self.walk(value, known, gates, via)
            case ast.Name():
                rule = self.followed(node)
                key = (id(node), known, tuple((id(g), a) for g, a in gates))
                if rule is not None and key not in self.walked:
                    self.walked.add(key)
                    self.inside(rule, lambda body: self.walk(body, known, gates, via or node))
            case _:
                # Every operand is evaluated, left to right: a read in one shows the record
                # present to those after it.
                for child in ast.children(node):
                    self.walk(child, known, gates, via)
                    known = _union(known, self.strict(child))

    def unless(self, node: ast.Expr, value: bool) -> Facts:
        """What is known when `node` has been evaluated and did not come out `value`."""
        match node:
            case ast.Bool(value=v) if v == value:
                return None  # it always comes out `value`: the case never gets here
            case ast.Test(subject=s, test="present" | "absent" as test) \
                    if (record := self.record_of(s)) is not None:
                return frozenset({(record, (test == "present") != value)})
            case ast.Unary(op="not", operand=o):
                return self.unless(o, not value)
            case ast.Logical(op=op, left=left, right=right):
                # `a and b` is not false when neither is (both were read); it is not true
                # when `a` is not, or when `a` was read, was not false, and `b` is not true.
                a, b = self.unless(left, value), self.unless(right, value)
                if (op == "and") != value:
                    return _union(a, b)
                return _union(_common(a, _union(self.unless(left, not value), b)),
                              self.strict(node))
            case ast.If(condition=c, then=a, otherwise=b):
                yes, no = self.unless(c, False), self.unless(c, True)
                found = _common(_common(_union(yes, self.unless(a, value)),
                                        _union(no, self.unless(b, value))), _union(yes, no))
                return _union(found, self.strict(node))
            case ast.Name() if (rule := self.followed(node)) is not None:
                return self.inside(rule, lambda body: self.unless(body, value))
        return self.strict(node)

    def strict(self, node: ast.Expr | None) -> Facts:
        """The records whose fields evaluating `node` always reads: present, once it has
        been evaluated (an absent one would have stopped the run)."""
        if node is None:
            return NOTHING
        match node:
            case ast.Field():
                record = self.record_of(node.subject)
                inner = self.strict(node.subject)
                return _union(inner, frozenset({(record, True)})) if record else inner
            case ast.Logical(left=left) | ast.If(condition=left):
                return self.strict(left)
            case ast.Quantifier(collection=c) | ast.Aggregate(collection=c):
                return self.strict(c)
            case ast.Name() if (rule := self.followed(node)) is not None:
                return self.inside(rule, lambda body: self.strict(body))
        found: Facts = NOTHING
        for child in ast.children(node):
            found = _union(found, self.strict(child))
        return found

    # ------------------------------------------------------------ what a node reads
    def followed(self, node: ast.Name) -> ast.Rule | None:
        """The definition a name stands for, unless the analysis is inside it already."""
        rule = self.definition(node)
        return rule if rule is not None and rule.name not in self.in_progress else None

    def inside(self, rule: ast.Rule, compute):
        """`compute` on a definition's expression, the definition marked as being followed."""
        self.in_progress.add(rule.name)
        try:
            return compute(rule.body)
        finally:
            self.in_progress.discard(rule.name)

    def definition(self, node: ast.Name) -> ast.Rule | None:
        resolution = self.resolutions.get(id(node))
        if resolution is None or resolution.kind != "rule":
            return None
        rule = self.by_name.get(resolution.target)
        return rule if rule is not None and rule.body is not None else None

    def record_of(self, subject: ast.Expr) -> str | None:
        """The record that may be absent that `subject` stands for, if it is one (a case
        field, or a definition that names one)."""
        seen = set()
        while isinstance(subject, ast.Name) and id(subject) not in seen:
            seen.add(id(subject))
            resolution = self.resolutions.get(id(subject))
            if resolution is None:
                return None
            if resolution.kind == "root":
                field = self.case.fields.get(resolution.target)
                return resolution.target if field is not None and field.absent_means_none \
                    else None
            rule = self.definition(subject)
            if rule is None:
                return None
            subject = rule.body
        return None

    def passable(self, gate: ast.Expr, accepted, record: str) -> bool:
        """Whether a case without `record` can give `gate` an outcome in `accepted` (or, for
        a list, an item): the gate reads no field of the record, and its outcomes, with the
        record absent and every other test free to come out true, false or unknown (each
        reads a fact that may be unknown), include one accepted."""
        if accepted is ITEMS:
            return self.reads(gate, record) is True or isinstance(gate, ast.SetLit) \
                and bool(gate.items) and self.reads(gate, record) is not None
        found = self.outcomes(gate, record)
        return found is not None and bool(found & accepted)

    def outcomes(self, node: ast.Expr, record: str) -> frozenset | None:
        """The outcomes a test can have on a case without `record` (None: it cannot be told,
        as for a test that reads no fact, or reads a field of the record)."""
        match node:
            case ast.Bool(value=v):
                return frozenset({v})
            case ast.Test(subject=s, test="present" | "absent" as test) \
                    if self.record_of(s) == record:
                return frozenset({test == "absent"})
            case ast.Unary(op="not", operand=o):
                inner = self.outcomes(o, record)
                return None if inner is None else frozenset(
                    UNKNOWN if v is UNKNOWN else not v for v in inner)
            case ast.Logical(op=op, left=left, right=right):
                a, b = self.outcomes(left, record), self.outcomes(right, record)
                if a is None or b is None:
                    return None
                return frozenset(_kleene(op, x, y) for x in a for y in b)
            case ast.If(condition=c, then=a, otherwise=b):
                cs, xs, ys = (self.outcomes(n, record) for n in (c, a, b))
                if cs is None or xs is None or ys is None:
                    return None
                found = set(xs if True in cs else ()) | set(ys if False in cs else ())
                if UNKNOWN in cs:
                    found |= {x if x == y and x is not UNKNOWN else UNKNOWN
                              for x in xs for y in ys}
                return frozenset(found)
            case ast.Name() if (rule := self.followed(node)) is not None:
                return self.inside(rule, lambda body: self.outcomes(body, record))
        return frozenset({True, False, UNKNOWN}) if self.reads(node, record) else None

    def reads(self, node: ast.Expr, record: str) -> bool | None:
        """Whether an expression reads facts of the case (None when it reads a field of
        `record`, which a case without it cannot give)."""
        reads_facts, stack, seen = False, [node], set()
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Field) and self.record_of(node.subject) == record:
                return None
            resolution = self.resolutions.get(id(node))
            if resolution is not None and resolution.kind in ("root", "local"):
                reads_facts = True
            rule = self.definition(node) if isinstance(node, ast.Name) else None
            if rule is not None and rule.name not in seen:
                seen.add(rule.name)
                stack.append(rule.body)
            stack.extend(ast.children(node))
        return reads_facts


def _kleene(op: str, a, b):
    if op == "and":
        return False if False in (a, b) else True if a is b is True else UNKNOWN
    return True if True in (a, b) else False if a is b is False else UNKNOWN
