"""The admissible answers of a list of records left unknown as a whole (`participant.roles:
null`) whose enumerated fields the policy tests: answers a user can give, never a lead that
is pending on the very list it answers.

They are: none (`[]`), and one record alone for each value of the enumerated fields the
policy tests (`[{role: chief_financial_officer}]`; each combination of values where it tests
several). The record sets only those fields: the others read as not known, and where the
policy needs one (a role's `since`) the exactness search asks it in turn, as the item's own
fact (`participant.roles[0].since`), which is then the one record's whatever the answer. A
list of several records is not tried: what a policy tests of its items (whether any of them
is one of some roles) is told by the records alone."""

from __future__ import annotations

import itertools
from typing import Any

from clawpolicy.check.policy import CheckedPolicy
from clawpolicy.core import types as t
from clawpolicy.evaluate.alike import reads_field
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
    each = [tuple(zip(names, values))
            for values in itertools.product(*(values for _, values in tested))]
    lists = [(), *((one,) for one in each)]

    def items(chosen: tuple) -> tuple:
        return tuple(Rec(f"{fact}[{i}]", Item(fact, values), record, key)
                     for i, values in enumerate(chosen))
    return [(items(chosen), [dict(values) for values in chosen]) for chosen in lists]
