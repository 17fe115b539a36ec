"""Answers alike: the answers to an enumerated fact that every test the policy makes on it
treats alike, found once per policy from its text, so that the exactness search (exact.py)
decides one of them and gives the others its combination.

An enumerated fact's answers (one of a fixed list, or a list of such words) are alike where
every place the policy reads a field of that name is a test against literal words and each
of those tests gives them the same result: `x in {a, b}`, `x not in {...}`, `x = a`, `x != a`
and `x is known` for one word; `x overlaps {...}` and `a in x` for a list. No evaluation can
then tell them apart: a run without reasons decides every award the same way under each (its
outcome, amount, remedies and what is still open). Any other read of a field of that name
(quoted through a definition, compared with another fact, counted, iterated, a field derived
from it or keyed by it, a path the vocabulary's roles name) leaves each answer its own: the
fact is read by its name wherever it stands, so a field of the same name in another record
only makes the classes finer. What the runs with reasons show (the reasons quote the value)
is not taken from here: the search shows an award under the first answer of its class, which
is the combination the plain search would show it under."""

from __future__ import annotations

import re
import weakref
from typing import Any

from clawpolicy.check.policy import CheckedPolicy
from clawpolicy.evaluate.depends import links
from clawpolicy.syntax import ast

# Per policy: each field name's tests, as (kind, words), or None where it is read otherwise;
# and by (name, answers), each answer's first alike.
_FOUND: "weakref.WeakKeyDictionary[CheckedPolicy, dict]" = weakref.WeakKeyDictionary()


def representatives(policy: CheckedPolicy, fact: str, answers: list[Any]) -> list[Any] | None:
    """For each answer (in order), the first answer alike it; None where each is its own."""
    name = re.sub(r"\[\d+\]", "", fact).rsplit(".", 1)[-1]
    found = _found(policy)
    key = (name, tuple(answers))
    if key not in found:
        found[key] = _classes(_tests(policy, name), answers)
    return found[key]


def signature(policy: CheckedPolicy, fact: str, answer: Any) -> tuple | None:
    """What every test the policy makes on the fact gives for this answer: two answers with
    the same signature are alike. None where the fact is read otherwise, or the answer is not
    a word or a list of words (kept per policy: the policy's words bound them)."""
    if not (isinstance(answer, str) or isinstance(answer, tuple)
            and all(isinstance(a, str) for a in answer)):
        return None
    name = re.sub(r"\[\d+\]", "", fact).rsplit(".", 1)[-1]
    found = _found(policy)
    key = ("signature", name, answer)
    if key not in found:
        found[key] = _signature(_tests(policy, name), answer)
    return found[key]


def words(policy: CheckedPolicy, fact: str) -> frozenset[str]:
    """Every word the policy tests the fact against (none where it reads it otherwise): a
    search's answers to a text or a list of words are taken from these as well as from
    those its first run compared (a test that run did not reach compares them later)."""
    name = re.sub(r"\[\d+\]", "", fact).rsplit(".", 1)[-1]
    return frozenset(w for _, found in _tests(policy, name) or () for w in found)


def _classes(tests: list | None, answers: list[Any]) -> list[Any] | None:
    first: dict[tuple, Any] = {}
    found = []
    for answer in answers:
        signature = _signature(tests, answer)
        if signature is None:
            return None
        found.append(first.setdefault(signature, answer))
    return found if len(first) < len(answers) else None


def _signature(tests: list | None, answer: Any) -> tuple | None:
    if not tests:  # read otherwise, or (a fact no rule reads) not asked about
        return None
    signature = []
    for kind, words in tests:
        result = _result(kind, words, answer)
        if result is None:
            return None
        signature.append(result)
    return tuple(signature)


def _result(kind: str, words: frozenset, answer: Any) -> tuple | None:
    """What one test gives for an answer (None: a test this answer's type does not meet)."""
    if isinstance(answer, str):
        if kind == "member":
            return (answer in words,)
        if kind == "known":
            return ()
        return None
    if isinstance(answer, tuple) and all(isinstance(a, str) for a in answer):
        if kind in ("overlaps", "contains"):  # (contains: one word, is it in the list)
            return (bool(words.intersection(answer)),)
        return None
    return None


def _found(policy: CheckedPolicy) -> dict:
    found = _FOUND.get(policy)
    if found is None:
        found = _FOUND[policy] = {}
    return found


def _tests(policy: CheckedPolicy, name: str) -> list | None:
    found = _found(policy)
    if name not in found:
        found[name] = _find(policy, name)
    return found[name]


def _find(policy: CheckedPolicy, name: str) -> list | None:
    named = _role_paths(policy)
    # (The summaries, `roles.summary` and `item_summary`, are read from the case as given,
    # never from an answer: determine.py.)
    if any(name in re.split(r"[.\[\]]", path) for path in named) or \
            any(name in via for via in links(policy).values()) or \
            any(r.key == name for r in policy.vocabulary.declarations.records.values()):
        return None
    tests = []
    for node, parent in _walk([policy.fact_decls, policy.rules, policy.revisions]):
        if isinstance(node, ast.Field) and node.name == name or isinstance(node, ast.Name) \
                and _resolved(policy, node) == ("root", name):
            test = _test(policy, node, parent)
            if test is None:
                return None
            tests.append(test)
    return tests


def _test(policy: CheckedPolicy, node: Any, parent: Any) -> tuple | None:
    """The test `parent` makes on the read `node`, where it is one against literal words."""
    if isinstance(parent, ast.Test) and parent.test in ("known", "unknown"):
        return ("known", frozenset())
    if not isinstance(parent, ast.Binary):
        return None
    other = parent.right if parent.left is node else parent.left
    if parent.op in ("in", "not in") and parent.left is node:
        words = _words(policy, other)
        return ("member", words) if words is not None else None
    if parent.op in ("=", "!="):
        words = _words(policy, other, alone=True)
        return ("member", words) if words is not None else None
    if parent.op == "overlaps":
        words = _words(policy, other)
        return ("overlaps", words) if words is not None else None
    if parent.op in ("in", "not in") and parent.right is node:
        words = _words(policy, other, alone=True)
        return ("contains", words) if words is not None else None
    return None


def _words(policy: CheckedPolicy, node: Any, alone: bool = False) -> frozenset | None:
    """The literal words of a set (or, `alone`, of one word), or None."""
    items = (node,) if alone else node.items if isinstance(node, ast.SetLit) else None
    if items is None:
        return None
    words = set()
    for item in items:
        if isinstance(item, ast.Name) and _resolved(policy, item)[0] == "enum":
            words.add(_resolved(policy, item)[1])
        elif isinstance(item, ast.Text):
            words.add(item.value)
        else:
            return None
    return frozenset(words)


def _resolved(policy: CheckedPolicy, node: ast.Name) -> tuple[str, str] | tuple[None, None]:
    resolution = policy.resolutions.get(id(node))
    return (resolution.kind, resolution.target) if resolution is not None else (None, None)


def _walk(roots: list) -> Any:
    """Every syntax node reachable from `roots`, each with the node that holds it."""
    stack: list[tuple[Any, Any]] = [(r, None) for r in roots]
    seen: set[int] = set()
    while stack:
        value, parent = stack.pop()
        if isinstance(value, tuple | list):
            stack.extend((v, parent) for v in value)
            continue
        if type(value).__module__ != ast.__name__ or id(value) in seen:
            continue
        seen.add(id(value))
        yield value, parent
        stack.extend((v, value) for v in vars(value).values())


def through_fields(policy: CheckedPolicy, fact: str) -> bool:
    """Whether the policy reads a record of this name only through its fields (every read
    of it is the subject of a field's read: `award.performance_period.end`), never as a
    whole (`is known`, compared, passed on) nor by a path the vocabulary's roles name. A
    record left unknown as a whole is then the same as one whose every field is unknown."""
    name = re.sub(r"\[\d+\]", "", fact).rsplit(".", 1)[-1]
    if any(name in re.split(r"[.\[\]]", path) for path in _role_paths(policy)):
        return False
    read = False
    for node, parent in _walk([policy.fact_decls, policy.rules, policy.revisions]):
        if isinstance(node, ast.Field) and node.name == name or isinstance(node, ast.Name) \
                and _resolved(policy, node) == ("root", name):
            if not (isinstance(parent, ast.Field) and parent.subject is node):
                return False
            read = True
    return read


def _role_paths(policy: CheckedPolicy) -> set[str]:
    """The paths the vocabulary's roles name (read by the engine, not only by rules)."""
    roles = policy.vocabulary.roles
    return {roles.decided, roles.each, roles.subject, *roles.subject_context,
            roles.subject_example, *(roles.recovered or ())}


def named_alike(awards: list, known: list[int], open_: list[int], group: set[int]) -> bool:
    """Whether `questions.open_facts` names the same list whichever of the awards `open_` stay pending
    beside those `known` to (all of one group, whose facts no award outside it shares): each
    fact where it first appears the same, in order, and no award outside the group that may
    be pending stands between the places a fact may first appear (watch.Watch).

    Each open award is tried alone beside the known ones, not every set of them: where a
    fact comes first among a set of awards, it comes there beside that one award alone, so
    if no open award alone adds a fact to the known awards' list or moves one before another,
    no set does; and a fact's earliest place among every set is its earliest beside one award, its
    latest where none stays pending. Known awards that name nothing leave no list to keep:
    an open award that names a fact then changes it."""
    def first(staying: list[int]) -> dict[str, int]:
        found: dict[str, int] = {}
        for i in sorted(staying):
            for u in awards[i].unknowns:
                for f in u.facts:
                    found.setdefault(f, i)
        return found

    alone = first(known)
    earliest = dict(alone)
    for i in open_:
        beside = first(known + [i])
        if list(beside) != list(alone):
            return False
        for f, k in beside.items():
            earliest[f] = min(earliest[f], k)
    outside = [k for k, e in enumerate(awards)
               if k not in group and e.result.outcome == "pending"]
    return not any(earliest[f] < k < alone[f] for f in alone for k in outside)
