"""Can a revision's sub-set of participants hold, and can two sub-sets share a participant?

The `applies to` predicate is put in disjunctive normal form over simple tests of the facts of
the record the vocabulary names as the case's subject (`participant.executive_officer`,
`participant.work_location = "US-CA"`, `CFO in participant.positions`). A conjunction that
tests one fact two incompatible ways cannot hold. Anything the analysis does not understand is
taken as "may hold", so it can fail to prove two sub-sets apart but never claims a false
separation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from clawpolicy.syntax import ast


@dataclass(frozen=True)
class Atom:
    path: str
    test: str  # "eq": the fact equals value; "has": the set-valued fact contains value
    value: object
    positive: bool

    def negated(self) -> "Atom":
        return Atom(self.path, self.test, self.value, not self.positive)


Conjunction = tuple[Atom, ...]
DNF = list[Conjunction]


def normal_form(expr: ast.Expr, definition: Callable[[str], ast.Expr | None],
                domains: Callable[[str], tuple | None], subject: str) -> DNF | None:
    """The predicate as a list of conjunctions over facts of the record `subject`, or None if
    it is beyond this analysis."""
    return _Analysis(definition, domains, subject).dnf(expr, 0)


class _Analysis:
    def __init__(self, definition, domains, subject: str):
        self.definition = definition
        self.domains = domains
        self.subject = subject

    def dnf(self, e: ast.Expr, depth: int) -> DNF | None:
        if depth > 32:
            return None
        match e:
            case ast.Logical(op="and"):
                left, right = self.dnf(e.left, depth + 1), self.dnf(e.right, depth + 1)
                if left is None or right is None:
                    return None
                return [a + b for a in left for b in right]
            case ast.Logical(op="or"):
                left, right = self.dnf(e.left, depth + 1), self.dnf(e.right, depth + 1)
                return None if left is None or right is None else left + right
            case ast.Unary(op="not"):
                inner = self.dnf(e.operand, depth + 1)
                if inner is not None and len(inner) == 1 and len(inner[0]) == 1:
                    return [(inner[0][0].negated(),)]
                if inner is not None and all(len(c) == 1 for c in inner):  # not (a or b)
                    return [tuple(c[0].negated() for c in inner)]
                return None
            case ast.Bool(value=v):
                return [()] if v else []
            case ast.Name():
                body = self.definition(e.name)
                return self.dnf(body, depth + 1) if body is not None else None
            case ast.Field():
                path = self.path(e)
                return [(Atom(path, "eq", True, True),)] if path else None
            case ast.Binary(op="=" | "!="):
                return self._equality(e)
            case ast.Binary(op="in" | "not in"):
                return self._membership(e)
            case ast.Binary(op="overlaps"):
                path, values = self.path(e.left), _literals(e.right)
                if path and values is not None:
                    return [(Atom(path, "has", v, True),) for v in values]
        return None

    def _equality(self, e: ast.Binary) -> DNF | None:
        for fact, other in ((e.left, e.right), (e.right, e.left)):
            path, value = self.path(fact), _literal(other)
            if path and value is not _NONE:
                return [(Atom(path, "eq", value, e.op == "="),)]
        return None

    def _membership(self, e: ast.Binary) -> DNF | None:
        positive = e.op == "in"
        path, values = self.path(e.left), _literals(e.right)
        if path and values is not None:
            atoms = [Atom(path, "eq", v, positive) for v in values]
            return [(a,) for a in atoms] if positive else [tuple(atoms)]
        path, value = self.path(e.right), _literal(e.left)
        if path and value is not _NONE:
            return [(Atom(path, "has", value, positive),)]
        return None


    def path(self, e: ast.Expr) -> str | None:
        """`subject.fact`, for a fact of the subject read directly."""
        if isinstance(e, ast.Field) and isinstance(e.subject, ast.Name) \
                and e.subject.name == self.subject:
            return f"{self.subject}.{e.name}"
        return None


_NONE = object()


def _literal(e: ast.Expr):
    match e:
        case ast.Text(value=v) | ast.Bool(value=v) | ast.Number(value=v):
            return v
        case ast.Name(name=n):  # an enumeration word
            return n
    return _NONE


def _literals(e: ast.Expr):
    if isinstance(e, ast.SetLit):
        values = [_literal(i) for i in e.items]
        return None if any(v is _NONE for v in values) else values
    return None


def satisfiable(conjunction: Conjunction, domains: Callable[[str], tuple | None]) -> bool:
    by_path: dict[str, list[Atom]] = {}
    for atom in conjunction:
        by_path.setdefault(atom.path, []).append(atom)
    for path, atoms in by_path.items():
        equal = {a.value for a in atoms if a.test == "eq" and a.positive}
        unequal = {a.value for a in atoms if a.test == "eq" and not a.positive}
        if len(equal) > 1 or equal & unequal:
            return False
        domain = domains(path)
        if not equal and domain is not None and set(domain) <= unequal:
            return False
        has = {a.value for a in atoms if a.test == "has" and a.positive}
        lacks = {a.value for a in atoms if a.test == "has" and not a.positive}
        if has & lacks:
            return False
    return True


def can_hold(dnf: DNF | None, domains) -> bool:
    return dnf is None or any(satisfiable(c, domains) for c in dnf)


def can_overlap(a: DNF | None, b: DNF | None, domains) -> bool:
    if a is None or b is None:
        return True
    return any(satisfiable(x + y, domains) for x in a for y in b)
