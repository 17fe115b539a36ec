"""The static checker: every name resolved, every fact found in the case schema, every
expression typed, every encoding rule cited. It reports all it finds, then either raises
DiagnosticError or returns a `CheckedPolicy` the interpreter can run without further checks.

The checker is one object over shared tables, in focused parts: declarations and rules here,
expressions in `expressions.py`, revisions in `revisions.py`; `policy.py` holds what it
hands on."""

from __future__ import annotations

from clawpolicy.core import types as t
from clawpolicy.check import advice, facts, hazards
from clawpolicy.check.expressions import ExpressionTypes
from clawpolicy.check.policy import (
    CITED_KINDS, CONSTANTS, FUNCTIONS, MAX_NESTING, OPENING_WORDS, CheckedPolicy, Resolution)
from clawpolicy.check.revisions import RevisionChecks
from clawpolicy.core.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.syntax.load import LoadedPolicy
from clawpolicy.core.source import Span
from clawpolicy.syntax import ast
from clawpolicy.vocabulary import Vocabulary, load as load_vocabulary

__all__ = ["CheckedPolicy", "Resolution", "check"]


def check(loaded: LoadedPolicy, vocabulary: Vocabulary | None = None) -> CheckedPolicy:
    """Check a policy against a case vocabulary (the shipped one by default)."""
    return _Checker(loaded, vocabulary or load_vocabulary()).run()


class _Checker(ExpressionTypes, RevisionChecks):
    def __init__(self, loaded: LoadedPolicy, vocabulary: Vocabulary):
        self.loaded = loaded
        self.vocabulary = vocabulary
        self.each = vocabulary.roles.each  # the policy's name for the award being decided
        self.examples = vocabulary.declarations.examples  # words messages give as examples
        # What a revision's `applies to` may read: facts about the subject, not an award.
        self.subject_roots = (vocabulary.roles.subject, *vocabulary.roles.subject_context,
                              "facts")
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
        self._check_per()
        self.case = facts.case_record(self.vocabulary, self.facts)
        self._check_names()
        self._check_shape()
        self.by_name = {r.name: r for r in self.rules}
        for rule in self.rules:
            self._check_rule(rule)
        for revision in self.revisions:
            self._check_revision(revision)
        self._check_conflicts()
        if not self.errors:  # on a policy whose names and types hold
            self.errors += [read.diagnostic() for read in hazards.unguarded_reads(
                self.rules, self.revisions, self.resolutions, self.case) if read.certain]
        if self.errors:
            raise DiagnosticError(self.errors)
        return CheckedPolicy(self.loaded, self.header, self.facts, self.rules, self.revisions,
                             self.resolutions, self.types, self.case, self.vocabulary)

    def _check_names(self) -> None:
        seen: dict[str, Span] = {}
        reserved = set(self.case.fields) | {self.each} | set(CONSTANTS) | set(FUNCTIONS) | \
            set(OPENING_WORDS)
        added = [c.rule for r in self.revisions for c in r.changes if c.action == "add"]
        for decl in (*self.facts, *self.rules, *self.revisions, *added):
            where = decl.name_span
            if decl.name in reserved and not isinstance(decl, ast.FactDecl):
                self.error("CP0209", f"`{decl.name}` is a name the language already gives "
                           "a meaning", advice.rename(decl, CONSTANTS, FUNCTIONS, self.each,
                                                      self.rules + self.revisions), where)
            key = ("fact:" if isinstance(decl, ast.FactDecl) else "") + decl.name
            if key in seen:
                line, _ = seen[key].line_col
                self.error("CP0203", f"the id `{decl.name}` is already used "
                           f"(at {seen[key].file.name}:{line})",
                           "give each rule its own id", where)
            else:
                seen[key] = where
        self._check_renamed(seen, reserved)

    def _check_per(self) -> None:
        """A fact declared `per` something is declared per the item decided (`per award`)."""
        wrong = [d for d in self.facts if d.per is not None and d.per != self.each]
        for decl in wrong:
            self.error("CP0231", f"a fact is declared per `{decl.per}`, which is not the item "
                       "a determination decides",
                       f"expected `per {self.each}` (one value for each {self.each}, given "
                       f"under its `facts:`), or no `per` (one value for the whole case)",
                       decl.per_span)
        self.facts = tuple(d for d in self.facts if d not in wrong)

    def _check_renamed(self, ids: dict[str, Span], reserved: set[str]) -> None:
        """A replacing condition's own name (`replace condition X as Y`) is no other rule's
        id; revisions that replace the same X may give it the same name."""
        named: dict[str, tuple[str, Span]] = {}
        for revision in self.revisions:
            for change in (c for c in revision.changes if c.renamed):
                name, where = change.rule.name, change.rule.name_span
                if name in reserved:
                    self.error("CP0209", f"`{name}` is a name the language already gives a "
                               "meaning", "give the replacing condition another name", where)
                    continue
                clash = ids.get(name) or (named[name][1] if name in named
                                          and named[name][0] != change.target else None)
                if clash is not None:
                    line, _ = clash.line_col
                    self.error("CP0230", f"`{name}`, the name the revision `{revision.name}` "
                               f"gives the condition replacing `{change.target}`, is already "
                               f"used (at {clash.file.name}:{line})",
                               "give the replacing condition a name of its own; "
                               f"`{change.target}` stays the handle that links the two", where)
                named.setdefault(name, (change.target, where))

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
                    "recoverable": t.MONEY, "remedy": t.MONEY, "other": t.MONEY,
                    "excuse": t.MONEY}.get(rule.kind)
        if isinstance(rule, ast.Other):
            self._check_other(rule)
            return
        if rule.body is not None:
            found = self.rule_type(rule)
            if expected is not None and found is not None and not t.fits(found, expected):
                what = {"remedy": "a remedy's cap", "recoverable": "a recoverable amount",
                        "note": "a note's `when`",
                        "excuse": "an excused amount"}.get(rule.kind, f"a {rule.kind}")
                self.error("CP0302", f"{what} must be {expected}, but this is {found}",
                           f"write an expression of type {expected}", rule.body.span)
        if isinstance(rule, ast.Excuse):
            self.boolean(rule.when, {}, 0, "`when`")
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
        found = self.expr(rule.body, {}, 0, self.words_set(rule.body)) \
            if rule.body is not None else None
        self.in_progress.pop()
        self.rule_types[key] = found
        if rule.body is not None and found is not None and rule.name not in self.deep_reported:
            depth = self.depth(rule.body)
            if depth > MAX_NESTING:
                self.error("CP0305", f"`{rule.name}` nests {depth} levels deep, counting the "
                           f"definitions it uses; the most is {MAX_NESTING}",
                           "split it into fewer, flatter definitions", rule.name_span)
        return found

    def words_set(self, body: ast.Expr) -> t.SetOf | None:
        """A definition that is a set of enumeration words (`{chief_executive_officer,
        chief_financial_officer}`) has no other side to take their meaning from: they take
        the one enumeration of the vocabulary (or the policy's facts) that holds every word,
        as a word set beside a fact would (an enumeration word comes before any other name).
        Words held by no enumeration or by several are left to the usual checks."""
        if not isinstance(body, ast.SetLit) or not body.items or not all(
                isinstance(i, ast.Name) for i in body.items):
            return None
        words = {i.name for i in body.items}
        holding = {e for e in _enums(self.case) if words <= set(e.values)}
        return t.SetOf(holding.pop()) if len(holding) == 1 else None

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
        if found is not None and not t.fits(found, t.MONEY):
            self.error("CP0302", f"an other recoverable amount must be money, but this is "
                       f"{found}", "write the amount to recover after `recover`", rule.body.span)
        for part in (each.when, each.collection, each.where, rule.body):
            self._no_award(part, "an `other` amount belongs to the case, not to one award")

    def _no_award(self, expr: ast.Expr | None, why: str) -> None:
        if expr is None:
            return
        for node in self._reads(expr):
            if isinstance(node, ast.Name) and node.name == self.each \
                    and self.resolutions.get(id(node)) == Resolution("root", self.each):
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


def _enums(record: t.Record, seen: set | None = None) -> set[t.Enum]:
    """Every enumeration a record's facts take, through its records and lists of records."""
    seen = set() if seen is None else seen
    if id(record) in seen:  # by identity: the case's `facts` and an award's share a name
        return set()
    seen.add(id(record))
    found: set[t.Enum] = set()
    for f in record.fields.values():
        kind = f.type.element if isinstance(f.type, t.ListOf | t.SetOf) else f.type
        if isinstance(kind, t.Enum):
            found.add(kind)
        elif isinstance(kind, t.Record):
            found |= _enums(kind, seen)
    return found
