"""The admissible answers of a list of records left unknown as a whole (`participant.roles:
null`) whose enumerated fields the policy tests: answers a user can give, never a lead that
is pending on the very list it answers.

They are: none (`[]`), and one record alone for each value of the enumerated fields the
policy tests (`[{role: chief_financial_officer}]`; each combination of values where it tests
several). The record sets only those fields: the others read as not known, and where the
policy needs one (a role's `since`) the exactness search asks it in turn, as the item's own
fact (`participant.roles[0].since`), which is then the one record's whatever the answer. A
list of several records is not tried: what a policy tests of its items (whether any of them
is one of some roles) is told by the records alone.

Records alike are one answer (`Alike`, its words each record's): where every test the
policy makes on those fields treats their values alike (alike.record_classes: the Qualys
policy tests a role only for membership in its sets of roles, so the chief executive and
financial officers are alike), no evaluation can tell them apart, and each would only
multiply the combinations a search tries."""

from __future__ import annotations

import itertools
from typing import Any

from clawpolicy.check.policy import CheckedPolicy
from clawpolicy.core import types as t
from clawpolicy.evaluate.alike import reads_field, record_classes
from clawpolicy.evaluate.env import Item, Rec


def record_answers(policy: CheckedPolicy, fact: str, type_: t.ListOf,
                   key: str | None) -> list[tuple[tuple, list]] | None:
    """The answers to the list `fact` of records, as (the items the case reads, the answer's
    words as a case file writes them); None where the policy tests no enumerated field of its
    records (the list's answers are then not enumerated)."""
    record = type_.element
    tested = [(name, f.type.values) for name, f in record.fields.items()
              if isinstance(f.type, t.Enum) and reads_field(policy, name)]
    if not tested:
        return None
    names = [name for name, _ in tested]
    firsts = [dict(zip(values, record_classes(policy, name, list(values)) or values))
              for name, values in tested]
    classes: dict[tuple, list[tuple]] = {}
    for values in itertools.product(*(values for _, values in tested)):
        alike = tuple(first[v] for first, v in zip(firsts, values))
        classes.setdefault(alike, []).append(tuple(zip(names, values)))
    found: list[tuple[tuple, Any]] = [((), [])]
    for each in classes.values():
        words = [[dict(one)] for one in each]
        found.append(((Rec(f"{fact}[0]", Item(fact, each[0]), record, key),),
                      words[0] if len(words) == 1 else Alike(words)))
    return found


class Alike(list):
    """The words of several answers alike (a list of them), which one answer stands for:
    each is shown as an answer of its own where it is shown."""


def each_answer(label: Any) -> list[Any]:
    """The answers a label stands for: itself, or each of those alike."""
    return list(label) if isinstance(label, Alike) else [label]
