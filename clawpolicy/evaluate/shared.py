"""What the ways revisions can apply to one award have in common, evaluated once for it.

Revisions that change the same rule are alternatives (decide.py): the award is decided under
each rule set they make, and most rules are the same in every one. A rule's value depends
on the award, the answers of the run and the rules its names resolve to; where two rule sets
resolve every name a rule reaches to the same rules (`signature`), the rule has one value
under both. So, while one award is decided in a run:

- `env` gives the environments its rules are evaluated in, one per signature rather than one
  per rule set: a rule two rule sets share is evaluated once, under the first, and read from
  the same memo under the second (the memo its reasons are written from); only in a run that
  gives reasons (the memo of each node's value is kept then, and the run records what an
  award read for the award as a whole: awardmemo.py and searching.py keep parts of an award
  by what each read, and take no part of a run with reasons);
- `decided` gives the award's decision under a rule set it was decided under already in
  this run (decide.py decides under the ways the revisions known to reach it can apply, then
  under those of the revisions that may reach it), a copy each time, with what deciding it
  read, and the pivots it noted, recorded again for its caller (awardmemo.py keeps a part of
  a decision by what it read and noted, and may take it in a run that does not take the
  part this one was first decided in).

Both only on the compiled path: the tree walk, the executable reference, decides each
alternative in full, so that the differential tests (tests/test_compiled.py) hold this to
it."""

from __future__ import annotations

import weakref
from typing import Any, Callable

from clawpolicy.check.policy import CheckedPolicy
from clawpolicy.evaluate.awardmemo import Frame, framed
from clawpolicy.evaluate.caserun import AwardEvaluation
from clawpolicy.evaluate.env import Env, Rec
from clawpolicy.revise.rules import RuleSet
from clawpolicy.syntax import ast

# For each policy, (id of the rule set, id of the node) -> (the rule set, the node, its
# signature): the rule set and node are kept with it, so that their ids stay their own.
_SIGNATURES: "weakref.WeakKeyDictionary[CheckedPolicy, dict[tuple[int, int], tuple]]" = \
    weakref.WeakKeyDictionary()


def signatures(policy: CheckedPolicy) -> dict[tuple[int, int], tuple]:
    """The signatures of the policy's nodes found so far (`signature`)."""
    return _SIGNATURES.setdefault(policy, {})


def signature(policy: CheckedPolicy, rules: RuleSet, node: ast.Expr,
              table: dict[tuple[int, int], tuple] | None = None) -> frozenset:
    """The named rules `node` reaches under `rules`, each with the rule its name resolves to
    there: two rule sets that give a node the same signature give it the same value (a rule
    set changes an evaluation only through the rules names resolve to, `Env.named`). Found
    once per policy, rule set and node (in `table`, the policy's `signatures`)."""
    if table is None:
        table = signatures(policy)
    found = table.get((id(rules), id(node)))
    if found is None:
        found = table[(id(rules), id(node))] = (rules, node, _signature(policy, rules, node))
    return found[2]


def _signature(policy: CheckedPolicy, rules: RuleSet, node: ast.Expr) -> frozenset:
    reached: dict[str, int] = {}
    stack = [node]
    while stack:
        expr = stack.pop()
        if isinstance(expr, ast.Name):
            resolution = policy.resolutions[id(expr)]
            if resolution.kind == "rule" and resolution.target not in reached:
                rule = rules.named(resolution.target) or policy.rule(resolution.target)
                reached[resolution.target] = id(rule)
                stack.append(rule.body)
        stack.extend(ast.children(expr))
    return frozenset(reached.items())


class Shared:
    """One award's environments by signature, and its decisions by rule set, in one run."""

    def __init__(self, rec: Rec, envs: bool, policy: CheckedPolicy,
                 table: dict[tuple[int, int], tuple]):
        self.rec, self._policy, self._table = rec, policy, table
        # Environments are shared only in a run with reasons (see the module's text).
        self._envs: dict[frozenset, Env] | None = {} if envs else None
        self._decided: dict[int, tuple[RuleSet, AwardEvaluation, Frame]] = {}
        # Whether the award is decided under more than one list of revisions (those known to
        # reach it, then those that may), so that its decisions are kept (copied on each use).
        self.keep = False

    def env(self, rules: RuleSet, node: ast.Expr, own: Env | None) -> Env | None:
        """Where `node` is evaluated for the award under `rules`: the environment of every
        rule set that gives it the same signature, or `own` (the rule set's own) where
        environments are not shared."""
        envs = self._envs
        if envs is None:
            return own
        found = self._table.get((id(rules), id(node)))
        key = found[2] if found is not None else signature(self._policy, rules, node, self._table)
        found = envs.get(key)
        if found is None:
            found = envs[key] = Env(rules, self.rec)
        return found

    def decided(self, ev: Any, rules: RuleSet,
                decide: Callable[[], AwardEvaluation]) -> AwardEvaluation:
        """The award decided under `rules` (`decide`), once in this run: what it read (the
        facts, and the fields of the rules it took from an earlier run, ev.reads and
        ev.names where they are recorded) is recorded again each time it is taken."""
        found = self._decided.get(id(rules))
        if found is None:
            evaluation, frame = framed(ev, decide)
            found = self._decided[id(rules)] = (rules, evaluation, frame)
        else:
            found[2].replay(ev)
        return found[1].fresh()
