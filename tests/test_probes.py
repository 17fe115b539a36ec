"""The exactness rule on the shipped examples, probed as issue 10 measured it: blank one
known boolean or word-valued fact of a decided example (every policy's), and the result is
either unchanged or pending with answers that lead apart (in the case's outcome or amount, an
award's outcome, or the split between remedies)."""

from __future__ import annotations

import copy

import pytest
import yaml

from clawpolicy.api import compile_policy, evaluate, read_case_data
from tests.conftest import (EXAMPLE_CASES, ICF_2023, ICF_CASES, NORTHROP_2010, NORTHROP_CASES,
                            QUALYS, QUALYS_2019, REVISION_CASES)

# Keys whose words name things (ids, units, a calendar day) rather than facts a policy weighs.
_NAMES = {"id", "case_id", "name", "unit", "title", "award", "policy", "format_version",
          "fiscal_year_end", "method", "facts", "expect"}


def _word_leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in _NAMES:
                yield from _word_leaves(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, dict):
                yield from _word_leaves(value, path + (i,))
    elif isinstance(node, bool) or (isinstance(node, str) and node.islower()
                                    and node.replace("_", "").isalpha()):
        yield path


def _blanked(data: dict, path: tuple) -> dict:
    data = copy.deepcopy(data)
    holder = data
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = None
    return data


def _leads_apart(question) -> bool:
    return len({(a.outcome, str(a.recoverable), str(a.recoverable_range), str(a.awards),
                 str(a.split)) for a in question.answers}) > 1


@pytest.mark.parametrize("policy_path, cases", [
    (QUALYS_2019, EXAMPLE_CASES), (QUALYS, REVISION_CASES), (NORTHROP_2010, NORTHROP_CASES),
    (ICF_2023, ICF_CASES)], ids=["qualys-2019", "qualys", "northrop-grumman-2010", "icf-2023"])
def test_a_blanked_fact_of_a_decided_example_is_pending_only_on_answers_that_differ(
        policy_path, cases):
    policy = compile_policy(policy_path)
    probes = wrong = 0
    for path in cases:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.pop("expect", None)
        if evaluate(policy, read_case_data(data)).outcome == "pending":
            continue
        for leaf in _word_leaves(data):
            probes += 1
            d = evaluate(policy, read_case_data(_blanked(data, leaf)))
            if d.outcome == "pending" and not any(_leads_apart(q) for q in d.open_questions):
                wrong += 1
                print(path.name, leaf, [(q.fact, q.answers) for q in d.open_questions])
    assert probes > 100
    assert wrong == 0
