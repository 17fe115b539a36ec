"""The static checker: every name resolved, every fact found in the case schema, every
expression typed, every encoding rule cited. It reports all it finds, then either raises
DiagnosticError or returns a `CheckedPolicy` the interpreter can run without further checks.

Resolutions and types are kept in side tables keyed by node identity: the AST stays the
drafter's words, and the interpreter reads what the checker decided about each name."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from clawpolicy import types as t
from clawpolicy.check import schema, subsets
from clawpolicy.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.loader import LoadedPolicy
from clawpolicy.source import Span
from clawpolicy.syntax import ast

# Kinds of rule that encode policy text and so must cite it.
CITED_KINDS = ("scope", "condition", "recoverable", "remedy", "note", "provision", "recital",
               "other")
# Header dates a policy may name.
CONSTANTS = {"effective_date": "effective", "adoption_date": "adopted_on"}
# min and max take any number of values of one kind; the others have a fixed signature.
FUNCTIONS = ("min", "max", "fiscal_year_end_before")
SIGNATURES = {"fiscal_year_end_before": ((t.DATE, t.TEXT), t.DATE)}
# What a revision's `applies to` may read: facts about the participant, not about an award.
PARTICIPANT_ROOTS = ("participant", "company", "facts")
MAX_NESTING = 64

_ARITH = {"+", "-", "*", "/"}
_ORDER = {"<", "<=", ">", ">="}
_EQUALITY = {"=", "!="}


@dataclass(frozen=True)
class Resolution:
    """What a bare name means: a case fact root, an enumeration value, a quantifier's
    variable, a definition (or the recoverable amount), or a header date."""

    kind: str  # "root" | "enum" | "local" | "rule" | "constant"
    target: str


@dataclass(eq=False)  # one policy is one object: identity, so stages may key caches on it
class CheckedPolicy:
    loaded: LoadedPolicy
    header: ast.Header
    fact_decls: tuple[ast.FactDecl, ...]
    rules: tuple[ast.Rule, ...]          # in source order, every kind
    revisions: tuple[ast.Revision, ...]
    resolutions: dict[int, Resolution] = field(repr=False)
    types: dict[int, t.Type] = field(repr=False)
    case_type: t.Record = field(repr=False)  # the case's facts, with the policy's own `facts`

    def of_kind(self, kind: str) -> list[ast.Rule]:
        return [r for r in self.rules if r.kind == kind]

    def rule(self, name: str) -> ast.Rule:
        return self._by_name[name]

    def __post_init__(self) -> None:
        self._by_name = {r.name: r for r in self.rules}

    def __repr__(self) -> str:
        return f"CheckedPolicy({self.header.name!r}, sha256={self.loaded.sha256[:12]})"

    def _repr_pretty_(self, printer, cycle) -> None:  # how pretty-printers show it
        printer.text(repr(self))

    @property
    def recoverable(self) -> ast.Rule:
        return self.of_kind("recoverable")[0]

    def constant(self, name: str) -> dt.date:
        return getattr(self.header, CONSTANTS[name])


def check(loaded: LoadedPolicy) -> CheckedPolicy:
    return _Checker(loaded).run()


class _Checker:
    def __init__(self, loaded: LoadedPolicy):
        self.loaded = loaded
        self.errors: list[Diagnostic] = []
        self.resolutions: dict[int, Resolution] = {}
        self.types: dict[int, t.Type] = {}
        self.rule_types: dict[int, t.Type | None] = {}
        self.rule_depths: dict[str, int] = {}
        self.deep_reported: set[str | None] = set()
        self.in_progress: list[str] = []

    def error(self, code: str, message: str, help: str, span: Span | None) -> None:
        self.errors.append(Diagnostic(code, message, help, span))

    # ------------------------------------------------------------ declarations
    def run(self) -> CheckedPolicy:
        decls = self.loaded.decls()
        headers = [d for d in decls if isinstance(d, ast.Header)]
        self.facts = tuple(d for d in decls if isinstance(d, ast.FactDecl))
        self.rules = tuple(d for d in decls if isinstance(d, ast.Rule))
        self.revisions = tuple(d for d in decls if isinstance(d, ast.Revision))
        root_span = self.loaded.files[0][2].span
        if not headers:
            self.error("CP0206", "the policy has no `policy` header",
                       'begin the policy with `policy "Name" ... end`', root_span)
        for extra in headers[1:]:
            self.error("CP0206", "a second `policy` header",
                       "a policy has one header; included files hold only rules", extra.span)
        self.header = headers[0] if headers else ast.Header("", None, None, None, None)
        if self.header.source is not None:
            if not (self.loaded.root / self.header.source).is_file():
                self.error("CP0117", f"the source document `{self.header.source}` does not exist",
                           "give the path of the policy's text, relative to the policy's folder",
                           self.header.span)
        self.case = schema.case_record(self.facts)
        self._check_names()
        self._check_shape()
        self.by_name = {r.name: r for r in self.rules}
        for rule in self.rules:
            self._check_rule(rule)
        for revision in self.revisions:
            self._check_revision(revision)
        self._check_conflicts()
        if self.errors:
            raise DiagnosticError(self.errors)
        return CheckedPolicy(self.loaded, self.header, self.facts, self.rules, self.revisions,
                             self.resolutions, self.types, self.case)

    def _check_names(self) -> None:
        seen: dict[str, Span] = {}
        reserved = set(self.case.fields) | {"award"} | set(CONSTANTS) | set(FUNCTIONS)
        added = [c.rule for r in self.revisions for c in r.changes if c.action == "add"]
        for decl in (*self.facts, *self.rules, *self.revisions, *added):
            where = decl.name_span
            if decl.name in reserved and not isinstance(decl, ast.FactDecl):
                self.error("CP0209", f"`{decl.name}` is a name the language already gives "
                           "a meaning", "choose another name for this rule", where)
            key = ("fact:" if isinstance(decl, ast.FactDecl) else "") + decl.name
            if key in seen:
                line, _ = seen[key].line_col
                self.error("CP0203", f"the id `{decl.name}` is already used "
                           f"(at {seen[key].file.name}:{line})",
                           "give each rule its own id", where)
            else:
                seen[key] = where

    def _check_shape(self) -> None:
        for rule in self.rules:
            if rule.kind in CITED_KINDS:
                self._cited(rule.kind, rule.name, rule.citation, rule.name_span)
        for revision in self.revisions:
            self._cited("revision", revision.name, revision.citation, revision.name_span)
            for change in revision.changes:
                what = change.kind if change.action in ("add", "replace") else \
                    f"change to {change.kind}"
                self._cited(what, change.target, change.citation, change.target_span)
            for combine in revision.combines:
                self._cited("combination with", combine.other, combine.citation,
                            combine.other_span)
        root_span = self.loaded.files[0][2].span
        recoverables = [r for r in self.rules if r.kind == "recoverable"]
        if not recoverables:
            self.error("CP0211", "the policy defines no recoverable amount",
                       "add `recoverable NAME ... is EXPRESSION end`", root_span)
        for extra in recoverables[1:]:
            self.error("CP0211", "a second recoverable amount",
                       "a policy has one recoverable amount; name other amounts with "
                       "`define`", extra.name_span)
        if not any(r.kind == "remedy" for r in self.rules):
            self.error("CP0212", "the policy defines no remedy",
                       "add `remedy NAME ... shall|may recover up to EXPRESSION end`",
                       root_span)

    def _cited(self, what: str, name: str, citation: ast.Citation, span: Span) -> None:
        if citation.clause is None:
            self.error("CP0204", f"the {what} `{name}` cites no clause",
                       'add `clause "..."` naming the part of the text it encodes', span)
        if not citation.quotes:
            self.error("CP0205", f"the {what} `{name}` quotes no words",
                       'add `quote "..."` with the words it encodes', span)

    def _check_rule(self, rule: ast.Rule) -> None:
        expected = {"scope": t.BOOLEAN, "condition": t.BOOLEAN, "note": t.BOOLEAN,
                    "recoverable": t.MONEY, "remedy": t.MONEY, "other": t.MONEY}.get(rule.kind)
        if isinstance(rule, ast.Other):
            self._check_other(rule)
            return
        if rule.body is not None:
            found = self.rule_type(rule)
            if expected is not None and found is not None and not _fits(found, expected):
                what = {"remedy": "a remedy's cap", "recoverable": "a recoverable amount",
                        "note": "a note's `when`"}.get(rule.kind, f"a {rule.kind}")
                self.error("CP0302", f"{what} must be {expected}, but this is {found}",
                           f"write an expression of type {expected}", rule.body.span)
        if isinstance(rule, ast.Remedy) and rule.unless is not None:
            found = self.expr(rule.unless, {}, 0)
            if found is not None and found != t.BOOLEAN:
                self.error("CP0302", f"`unless` must be boolean, but this is {found}",
                           "write a condition after `unless`", rule.unless.span)

    def rule_type(self, rule: ast.Rule) -> t.Type | None:
        """The type of a rule's expression, checked once; a definition may use another."""
        key = id(rule)
        if key in self.rule_types:
            return self.rule_types[key]
        if rule.name in self.in_progress:
            cycle = " -> ".join(self.in_progress[self.in_progress.index(rule.name):]
                                + [rule.name])
            self.error("CP0210", f"`{rule.name}` is defined in terms of itself ({cycle})",
                       "break the cycle: a definition cannot depend on itself",
                       rule.name_span)
            return None
        if len(self.in_progress) >= MAX_NESTING:
            self.error("CP0305", f"`{rule.name}` is reached through more than {MAX_NESTING} "
                       "definitions, each using the next", "flatten the chain of definitions",
                       rule.name_span)
            self.rule_types[key] = None
            return None
        self.in_progress.append(rule.name)
        found = self.expr(rule.body, {}, 0) if rule.body is not None else None
        self.in_progress.pop()
        self.rule_types[key] = found
        if rule.body is not None and found is not None and rule.name not in self.deep_reported:
            depth = self.depth(rule.body)
            if depth > MAX_NESTING:
                self.error("CP0305", f"`{rule.name}` nests {depth} levels deep, counting the "
                           f"definitions it uses; the most is {MAX_NESTING}",
                           "split it into fewer, flatter definitions", rule.name_span)
        return found

    def depth(self, expr: ast.Expr, chain: int = 0) -> int:
        """How deep an expression nests, a definition it names counting as deep as its own
        expression: what evaluating it will have to follow. Past the limit, it stops."""
        if chain > MAX_NESTING:
            return MAX_NESTING + 1
        deepest, stack = 0, [(expr, 1)]
        while stack:
            node, d = stack.pop()
            deepest = max(deepest, d)
            resolution = self.resolutions.get(id(node))
            if resolution is not None and resolution.kind == "rule":
                target = self.by_name.get(resolution.target)
                known = self.rule_depths.get(resolution.target)
                if known is None and target is not None and target.body is not None \
                        and resolution.target not in self.in_progress:
                    known = self.rule_depths[resolution.target] = self.depth(target.body,
                                                                             chain + 1)
                deepest = max(deepest, d + (known or 0))
            stack.extend((child, d + 1) for child in ast.children(node))
        return deepest

    # ------------------------------------------------------------ case-level rules and revisions
    def _check_other(self, rule: ast.Other) -> None:
        """`other NAME for x in LIST where P recover AMOUNT`: one amount per item, no award."""
        each = rule.each
        if each.when is not None:
            self.boolean(each.when, {}, 0, "`when`")
        element = self.collection(each.collection, {}, 0)
        if element is None:
            return
        inner = {each.var: element}
        if each.where is not None:
            self.boolean(each.where, inner, 0, "`where`")
        found = self.expr(rule.body, inner, 0)
        if found is not None and not _fits(found, t.MONEY):
            self.error("CP0302", f"an other recoverable amount must be money, but this is "
                       f"{found}", "write the amount to recover after `recover`", rule.body.span)
        for part in (each.when, each.collection, each.where, rule.body):
            self._no_award(part, "an `other` amount belongs to the case, not to one award")

    def _no_award(self, expr: ast.Expr | None, why: str) -> None:
        if expr is None:
            return
        for node in self._reads(expr):
            if isinstance(node, ast.Name) and node.name == "award" \
                    and self.resolutions.get(id(node)) == Resolution("root", "award"):
                self.error("CP0222", "`award` is not known here", why, node.span)
                return

    def _reads(self, expr: ast.Expr, seen: set[str] | None = None):
        """Every node of an expression, and of the definitions it names, transitively."""
        seen = set() if seen is None else seen
        stack = [expr]
        while stack:
            node = stack.pop()
            yield node
            resolution = self.resolutions.get(id(node))
            if resolution is not None and resolution.kind == "rule" \
                    and resolution.target not in seen:
                seen.add(resolution.target)
                stack.append(self.by_name[resolution.target].body)
            stack.extend(ast.children(node))

    def _check_revision(self, revision: ast.Revision) -> None:
        if revision.applies_to is None:
            self.error("CP0228", f"the revision `{revision.name}` names no sub-set of "
                       "participants", "add `applies to PREDICATE`, e.g. `applies to "
                       "participant.executive_officer`", revision.name_span)
        else:
            self.boolean(revision.applies_to, {}, 0, "`applies to`")
            for node in self._reads(revision.applies_to):
                resolution = self.resolutions.get(id(node))
                if resolution is not None and resolution.kind == "root" \
                        and resolution.target not in PARTICIPANT_ROOTS:
                    self.error("CP0223", f"`applies to` reads `{node.name}`, which is not a "
                               "fact about the participant",
                               "name the sub-set by facts of `participant` (or `company`, "
                               "`facts`)", node.span)
                    break
            if not subsets.can_hold(self.subset(revision), self._domain):
                self.error("CP0221", f"the sub-set of revision `{revision.name}` can never "
                           "hold", "a participant must be able to satisfy `applies to`",
                           revision.applies_to.span)
        if revision.reaches is not None:
            self.boolean(revision.reaches, {}, 0, "`reaches`")
        targets: dict[str, Span] = {}
        for change in revision.changes:
            if change.target in targets:
                self.error("CP0227", f"the revision `{revision.name}` changes "
                           f"`{change.target}` twice", "change each rule once per revision",
                           change.target_span)
            targets[change.target] = change.target_span
            self._check_change(revision, change)
        for combine in revision.combines:
            other = next((r for r in self.revisions if r.name == combine.other), None)
            if combine.other == "policy":  # the unrevised rules, as an alternative
                continue
            if other is None or other is revision:
                self.error("CP0225", f"`{combine.other}` is not another revision",
                           "name the revision this one combines with, or `policy` for the "
                           "unrevised rules", combine.other_span)

    def _check_change(self, revision: ast.Revision, change: ast.Change) -> None:
        if change.action == "add":
            self._check_rule(change.rule)
            return
        base = self.by_name.get(change.target)
        if base is None or base.kind != change.kind:
            same = [r.name for r in self.rules if r.kind == change.kind]
            verb = {"replace": "replaces", "remove": "removes", "modality": "changes"}
            self.error("CP0220", f"the revision `{revision.name}` {verb[change.action]} "
                       f"{change.kind} `{change.target}`, but the policy has no such "
                       f"{change.kind}", f"expected one of: {', '.join(same)}" if same else
                       f"the policy has no {change.kind} to change; `add` one instead",
                       change.target_span)
            return
        if change.rule is not None:
            self._check_rule(change.rule)

    def subset(self, revision: ast.Revision):
        def definition(name: str):
            rule = self.by_name.get(name)
            return rule.body if rule is not None and rule.kind == "definition" else None
        return subsets.normal_form(revision.applies_to, definition, self._domain)

    def _domain(self, path: str) -> tuple | None:
        field_type = self.case.fields["participant"].type.fields.get(path.split(".")[-1])
        if field_type is None:
            return None
        if field_type.type == t.BOOLEAN:
            return (True, False)
        if isinstance(field_type.type, t.Enum):
            return field_type.type.values
        return None

    def _check_combinations(self) -> None:
        """Revisions (and the policy itself) that are alternatives to one another combine one
        way: the greatest of some and the least of others has no meaning."""
        links: dict[str, set[str]] = {}
        for revision in self.revisions:
            for combine in revision.combines:
                links.setdefault(revision.name, set()).add(combine.other)
                links.setdefault(combine.other, set()).add(revision.name)
        seen: set[str] = set()
        for start in links:
            if start in seen:
                continue
            group, stack = set(), [start]
            while stack:
                name = stack.pop()
                if name not in group:
                    group.add(name)
                    stack.extend(links.get(name, ()))
            seen |= group
            combines = [c for r in self.revisions if r.name in group for c in r.combines]
            for combine in combines[1:]:
                if combine.how != combines[0].how:
                    self.error("CP0226", f"alternatives combine both by the greater and by the "
                               f"lesser amount ({', '.join(sorted(group))})",
                               f"say `{combines[0].how}` in every combination of these "
                               "alternatives", combine.span)
                    break

    def _check_conflicts(self) -> None:
        """Two revisions whose sub-sets can share a participant and that change the same rule
        must say how they combine."""
        self._check_combinations()
        declared = {(r.name, c.other) for r in self.revisions for c in r.combines}
        for i, first in enumerate(self.revisions):
            for second in self.revisions[i + 1:]:
                common = sorted(first.targets & second.targets)
                combined = (first.name, second.name) in declared \
                    or (second.name, first.name) in declared
                if not common or combined or first.applies_to is None \
                        or second.applies_to is None:
                    continue
                if subsets.can_overlap(self.subset(first), self.subset(second), self._domain):
                    self.error("CP0224", f"revisions `{first.name}` and `{second.name}` both "
                               f"change {', '.join(f'`{c}`' for c in common)}, and one "
                               "participant can be in both sub-sets",
                               f"say how they combine: `combine with {first.name} by greater "
                               "... end` (or `lesser`), or make the sub-sets exclusive",
                               second.name_span)

    # ------------------------------------------------------------ expressions
    def expr(self, node: ast.Expr, scope: dict[str, t.Type], depth: int,
             expected: t.Type | None = None) -> t.Type | None:
        if depth > MAX_NESTING:
            where = self.in_progress[-1] if self.in_progress else None
            if where not in self.deep_reported:  # once for each rule, however it branches
                self.deep_reported.add(where)
                self.error("CP0305", f"the expression nests deeper than {MAX_NESTING} levels",
                           "split it into named definitions", node.span)
            return None
        found = self._expr(node, scope, depth + 1, expected)
        if found is not None:
            self.types[id(node)] = found
        return found

    def _expr(self, node: ast.Expr, scope: dict[str, t.Type], depth: int,
              expected: t.Type | None) -> t.Type | None:
        match node:
            case ast.Number():
                return t.NUMBER
            case ast.MoneyLit():
                return t.MONEY
            case ast.DurationLit():
                return t.DURATION
            case ast.DateLit():
                return t.DATE
            case ast.Text():
                return t.TEXT
            case ast.Bool():
                return t.BOOLEAN
            case ast.Name():
                return self.name(node, scope, expected)
            case ast.Field():
                return self.field(node, scope, depth)
            case ast.SetLit():
                element = expected.element if isinstance(expected, t.SetOf) else None
                types = [self.expr(item, scope, depth, element) for item in node.items]
                known = [x for x in types if x is not None]
                if any(x != known[0] for x in known[1:]):
                    self.error("CP0301", "a set mixes values of different types",
                               "list values of one type between { and }", node.span)
                    return None
                return t.SetOf(known[0] if known else element or t.TEXT) \
                    if len(known) == len(types) else None
            case ast.Unary(op="not"):
                self.boolean(node.operand, scope, depth, "`not`")
                return t.BOOLEAN
            case ast.Unary(op="-"):
                inner = self.expr(node.operand, scope, depth)
                if inner is not None and not t.is_numeric(inner):
                    self.error("CP0301", f"cannot negate {inner}",
                               "`-` applies to a number or an amount", node.span)
                    return None
                return inner
            case ast.Logical():
                self.boolean(node.left, scope, depth, f"`{node.op}`")
                self.boolean(node.right, scope, depth, f"`{node.op}`")
                return t.BOOLEAN
            case ast.Binary():
                return self.binary(node, scope, depth)
            case ast.Test():
                inner = self.expr(node.subject, scope, depth)
                if node.test in ("present", "absent") and inner is not None \
                        and not self._absent_able(node.subject):
                    self.error("CP0304", f"only a record that may be absent can be tested "
                               f"with `is {node.test}`",
                               "use `is known` / `is unknown` for a fact that may be unknown; "
                               "`is present` is for `restatement`", node.span)
                return t.BOOLEAN
            case ast.If():
                self.boolean(node.condition, scope, depth, "`if`")
                if self._is_word(node.then, scope) and not self._is_word(node.otherwise, scope):
                    b = self.expr(node.otherwise, scope, depth, expected)
                    a = self.expr(node.then, scope, depth, expected or b)
                else:
                    a = self.expr(node.then, scope, depth, expected)
                    b = self.expr(node.otherwise, scope, depth, expected or a)
                if a is not None and b is not None:
                    joined = _join(a, b)
                    if joined is None:
                        self.error("CP0301", f"the two branches differ: {a} and {b}",
                                   "make `then` and `else` give the same type", node.span)
                    return joined
                return None
            case ast.Call():
                return self.call(node, scope, depth)
            case ast.Quantifier():
                element = self.collection(node.collection, scope, depth)
                inner = {**scope, node.var: element} if element is not None else scope
                if element is not None:
                    self.boolean(node.body, inner, depth, f"`{node.kind}`")
                return t.BOOLEAN
            case ast.Aggregate():
                element = self.collection(node.collection, scope, depth)
                if element is None:
                    return None
                inner = {**scope, node.var: element}
                if node.where is not None:
                    self.boolean(node.where, inner, depth, "`where`")
                if node.kind == "count":
                    return t.NUMBER
                value = self.expr(node.value, inner, depth)
                if value is not None and not t.is_numeric(value):
                    self.error("CP0301", f"cannot sum {value}",
                               "`sum` adds numbers or amounts", node.value.span)
                    return None
                return value
        raise AssertionError(f"no check for {type(node).__name__}")

    def boolean(self, node: ast.Expr, scope, depth: int, what: str) -> None:
        found = self.expr(node, scope, depth, t.BOOLEAN)
        if found is not None and found != t.BOOLEAN:
            self.error("CP0302", f"{what} needs a condition (boolean), but this is {found}",
                       "write a comparison or a true/false fact here", node.span)

    def _is_word(self, node: ast.Expr, scope) -> bool:
        """A bare word that names nothing by itself: an enumeration value (or a set of them),
        whose meaning comes from what it is compared with."""
        if isinstance(node, ast.SetLit):
            return all(self._is_word(item, scope) for item in node.items) and bool(node.items)
        return isinstance(node, ast.Name) and node.name not in scope \
            and node.name not in self.case.fields and node.name not in CONSTANTS \
            and node.name != "award" and node.name not in self.by_name

    def _absent_able(self, node: ast.Expr) -> bool:
        if isinstance(node, ast.Name):
            field_type = self.case.fields.get(node.name)
            return bool(field_type and field_type.absent_means_none)
        return False

    def name(self, node: ast.Name, scope, expected: t.Type | None) -> t.Type | None:
        n = node.name
        if n in scope:
            self.resolutions[id(node)] = Resolution("local", n)
            return scope[n]
        if isinstance(expected, t.Enum) and n in expected.values:
            self.resolutions[id(node)] = Resolution("enum", n)
            return expected
        if n == "award":
            self.resolutions[id(node)] = Resolution("root", n)
            return schema.AWARD
        if n in self.case.fields:
            self.resolutions[id(node)] = Resolution("root", n)
            return self.case.fields[n].type
        if n in CONSTANTS:
            if getattr(self.header, CONSTANTS[n]) is None:
                line = "effective YYYY-MM-DD" if n == "effective_date" else \
                    'adopted by "..." on YYYY-MM-DD'
                self.error("CP0213", f"`{n}` is used but the policy header gives no date "
                           "for it", f"add `{line}` to the `policy` header", node.span)
                return None
            self.resolutions[id(node)] = Resolution("constant", n)
            return t.DATE
        rule = self.by_name.get(n)
        if rule is not None and rule.kind in ("definition", "recoverable"):
            self.resolutions[id(node)] = Resolution("rule", n)
            return self.rule_type(rule)
        if isinstance(expected, t.Enum):
            self.error("CP0207", f"`{n}` is not a value of {expected.name}",
                       f"expected one of: {', '.join(expected.values)}", node.span)
            return None
        if rule is not None:
            self.error("CP0201", f"`{n}` is a {rule.kind}, which cannot be used as a value",
                       "name a definition (`define`) or the recoverable amount", node.span)
            return None
        self.error("CP0201", f"unknown name `{n}`", _name_help(n, self), node.span)
        return None

    def field(self, node: ast.Field, scope, depth: int) -> t.Type | None:
        subject = self.expr(node.subject, scope, depth)
        if subject is None:
            return None
        if not isinstance(subject, t.Record):
            self.error("CP0202", f"{subject} has no field `{node.name}`",
                       "only records (participant, award, restatement, …) have fields",
                       node.name_span)
            return None
        field_type = subject.fields.get(node.name)
        if field_type is None:
            import difflib

            fields = ", ".join(subject.fields) or "none are declared (declare them with `fact`)"
            close = difflib.get_close_matches(node.name, list(subject.fields), n=1)
            hint = f"did you mean `{close[0]}`? " if close else ""
            self.error("CP0202", f"the {subject.name} has no fact `{node.name}`",
                       f"{hint}expected one of: {fields}", node.name_span)
            return None
        return field_type.type

    def collection(self, node: ast.Expr, scope, depth: int) -> t.Type | None:
        found = self.expr(node, scope, depth)
        if isinstance(found, t.ListOf | t.SetOf):
            return found.element
        if found is not None:
            self.error("CP0301", f"cannot go through {found}",
                       "expected a list, such as `awards`, `statements` or `award.statements`",
                       node.span)
        return None

    def binary(self, node: ast.Binary, scope, depth: int) -> t.Type | None:
        op = node.op
        if op in ("in", "not in"):
            if isinstance(node.right, ast.SetLit):  # `x in {a, b}`: the words take x's type
                elem = self.expr(node.left, scope, depth)
                coll = self.expr(node.right, scope, depth, t.SetOf(elem) if elem else None)
            else:
                coll = self.expr(node.right, scope, depth)
                elem = None
            element = coll.element if isinstance(coll, t.SetOf | t.ListOf) else None
            if elem is None:
                elem = self.expr(node.left, scope, depth, element)
            if coll is not None and element is None:
                self.error("CP0301", f"`{op}` needs a set on its right, but this is {coll}",
                           "write a set such as {a, b} or a fact that lists values",
                           node.right.span)
            elif elem is not None and element is not None and _join(elem, element) is None:
                self.error("CP0301", f"cannot look for {elem} in {coll}",
                           f"expected {element} on the left of `{op}`", node.left.span)
            return t.BOOLEAN
        if op == "overlaps":
            left = self.expr(node.left, scope, depth)
            right = self.expr(node.right, scope, depth, left)
            if left is not None and right is not None and (
                    not isinstance(left, t.SetOf) or _join(left, right) is None):
                self.error("CP0301", f"`overlaps` compares two sets, not {left} and {right}",
                           "write two sets of the same kind of value", node.span)
            return t.BOOLEAN
        # An enumeration word on either side takes its meaning from the other side.
        if self._is_word(node.left, scope) and not self._is_word(node.right, scope):
            right = self.expr(node.right, scope, depth)
            left = self.expr(node.left, scope, depth, right)
        else:
            left = self.expr(node.left, scope, depth)
            right = self.expr(node.right, scope, depth, left)
        if left is None or right is None:
            return None
        if op in _ARITH:
            result = _arith(op, left, right)
            if result is None:
                self.error("CP0301", f"cannot compute {left} {op} {right}",
                           _arith_help(op), node.span)
            return result
        if op in _ORDER:
            if _join(left, right) is None or left not in (t.NUMBER, t.MONEY, t.DATE) \
                    or right not in (t.NUMBER, t.MONEY, t.DATE):
                self.error("CP0301", f"cannot compare {left} with {right} using `{op}`",
                           "`<`, `<=`, `>`, `>=` compare two dates, or two numbers or amounts",
                           node.span)
                return None
            return t.BOOLEAN
        if _join(left, right) is None:
            self.error("CP0301", f"cannot compare {left} with {right}",
                       "`=` and `!=` compare two values of the same type", node.span)
            return None
        return t.BOOLEAN

    def call(self, node: ast.Call, scope, depth: int) -> t.Type | None:
        if node.function not in FUNCTIONS:
            self.error("CP0208", f"unknown function `{node.function}`",
                       f"expected one of: {', '.join(FUNCTIONS)}", node.name_span)
            return None
        if node.function in SIGNATURES:
            params, result = SIGNATURES[node.function]
            types = [self.expr(a, scope, depth) for a in node.args]
            if len(types) != len(params) or any(
                    found is not None and found != want for found, want in zip(types, params)):
                wanted = ", ".join(str(p) for p in params)
                self.error("CP0303", f"`{node.function}` takes ({wanted})",
                           f"write `{node.function}(a date, a month and day such as \"12-31\")`",
                           node.span)
                return None
            return result
        if not node.args:
            self.error("CP0303", f"`{node.function}` needs at least one value",
                       f"write `{node.function}(a, b)`", node.span)
            return None
        types = [self.expr(a, scope, depth) for a in node.args]
        if any(x is None for x in types):
            return None
        result = types[0]
        for x in types[1:]:
            result = _join(result, x)
        if result not in (t.NUMBER, t.MONEY, t.DATE):
            self.error("CP0303", f"`{node.function}` takes numbers, amounts or dates of one "
                       "kind", "pass values of one kind", node.span)
            return None
        return result


# ---------------------------------------------------------------- type algebra

def _fits(found: t.Type, expected: t.Type) -> bool:
    return found == expected or (expected == t.MONEY and found == t.NUMBER)


def _join(a: t.Type, b: t.Type) -> t.Type | None:
    """The type two values share, if any: a plain number stands for an amount in the
    amount's own unit (so `max(x, 0)` and `x > 0` read naturally)."""
    if a == b:
        return a
    if {a, b} == {t.NUMBER, t.MONEY}:
        return t.MONEY
    if isinstance(a, t.SetOf) and isinstance(b, t.SetOf):
        inner = _join(a.element, b.element)
        return t.SetOf(inner) if inner else None
    return None


def _arith(op: str, a: t.Type, b: t.Type) -> t.Type | None:
    if op in "+-":
        if t.is_numeric(a) and t.is_numeric(b):
            return _join(a, b)
        if a == t.DATE and b == t.DURATION:
            return t.DATE
        if op == "+" and a == t.DURATION and b == t.DATE:
            return t.DATE
        return None
    if op == "*":
        if t.is_numeric(a) and t.is_numeric(b) and t.NUMBER in (a, b):
            return a if b == t.NUMBER else b
        return None
    if t.is_numeric(a) and b == t.NUMBER:
        return a
    if a == b == t.MONEY:
        return t.NUMBER
    return None


def _arith_help(op: str) -> str:
    if op in "+-":
        return "add or subtract two amounts or numbers, or a duration to or from a date"
    if op == "*":
        return "multiply an amount or number by a number"
    return "divide an amount or number by a number, or an amount by an amount"


def _name_help(name: str, checker: _Checker) -> str:
    import difflib

    candidates = (list(checker.case.fields) + ["award"] + list(CONSTANTS)
                  + [r.name for r in checker.rules if r.kind in ("definition", "recoverable")])
    close = difflib.get_close_matches(name, candidates, n=1)
    if close:
        return f"did you mean `{close[0]}`? (expected a definition, a case fact or a date " \
               "of the header)"
    return "expected a definition, a case fact (participant, award, restatement, findings, " \
           "law, …) or a date of the header (effective_date, adoption_date)"
