"""A case decided: the determiner's run over every award, the open questions it leaves, and
the Determination that carries both. Pure; the one entry to evaluation."""

from __future__ import annotations

import datetime as dt
import decimal
import re
import weakref
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from clawpolicy.core.values import Money, quantize, show

from clawpolicy.check.policy import CheckedPolicy
from clawpolicy.evaluate.determination import (Assumption, AwardFacts, Determination, Note,
                                               Participant, PolicyRef, Standing, sum_field,
                                               total_field)
from clawpolicy.evaluate.env import Env
from clawpolicy.evaluate.expressions import Evaluator
from clawpolicy.evaluate.decide import Determiner, status_of
from clawpolicy.evaluate.reasons import rendered, write
from clawpolicy.evaluate.searching import closed
from clawpolicy.evaluate.seal import seal


# Amounts hold at most 30 significant digits (case.MAX_DIGITS); sums and products of them
# stay exact within this precision, and an inexact result would be an error, not a rounding.
ARITHMETIC = decimal.Context(prec=80, traps=[decimal.InvalidOperation, decimal.Overflow,
                                             decimal.DivisionByZero])


def determine(policy: CheckedPolicy, case: Any, facts: dict[str, Any],
              assumptions: Sequence[Assumption] = (), sealed: Any = None,
              reasons: bool = True) -> Determination:
    """The determination of `case`. Where facts were assumed (`assumptions`, already applied
    to `case`), `sealed` is the case as read, which the seal fingerprints. Without `reasons`,
    for a caller that reads only outcomes, amounts and statuses: every reason is empty."""
    with decimal.localcontext(ARITHMETIC):
        return _determine(policy, case, facts, reasons, assumptions,
                          case if sealed is None else sealed)


def _determine(policy: CheckedPolicy, case: Any, facts: dict[str, Any], reasons: bool,
               assumptions: Sequence[Assumption], sealed: Any) -> Determination:
    determiner = Determiner(policy, case, facts, reasons)
    first = determiner.run()
    run, questions = closed(first), []
    if run is None:  # something is open: the exactness rule's search, imported only now
        from clawpolicy.evaluate.collector import searching
        from clawpolicy.evaluate.settle import settle

        with searching():  # the collector's full passes spaced out (collector.py)
            settled = settle(determiner, first)
        run, questions = settled.run, settled.questions
    # The reasons of the results the determination is made of are written here, and only
    # these (reasons.py): the runs behind them recorded what each needs.
    return Determination._make(
        case_id=case.case_id, title=case.title, as_of=case.as_of.isoformat(),
        policy=policy_ref(policy),
        participant=participant(policy, case),
        outcome=run.outcome, revisions_applied=[write(r) for r in run.applied],
        total_recoverable=total_field(run.totals()),
        total_excused=sum_field([e.result.excused for e in run.awards]),
        total_recovered=sum_field([e.result.recovered for e in run.awards]),
        total_outstanding=sum_field([e.result.outstanding for e in run.awards]),
        awards=[rendered(e.result).model_copy(update={"facts": f})
                for e, f in zip(run.awards, item_facts(policy, case))],
        other_recoverable=[write(o) for o, _ in run.others],
        # Any pending award has questions, even when another award already makes the case
        # one of recovery: the total turns on them.
        open_questions=questions,
        notes=[*case_notes(policy, case), *(n for e in run.awards for n in e.notes)],
        assumptions=list(assumptions), seal=seal(policy, sealed))


def case_notes(policy: CheckedPolicy, case: Any) -> list[Note]:
    """A note for each constraint of the vocabulary the case breaks where it refuses nothing
    (`refuse = false`): the case is read and decided as given, and the reader told. A note
    of a decided item names it by its key."""
    broken = policy.vocabulary.broken_constraints(case)
    if not broken:
        return []
    vocabulary = policy.vocabulary
    decided = vocabulary.roles.decided
    key = vocabulary.key_of(vocabulary.item_type(policy.case_type))
    items = getattr(case, decided, None) or ()
    notes = []
    for path, c, value, limit, record, holder in broken:
        item = re.match(rf"{re.escape(decided)}\[(\d+)\]\.", path)
        value, limit = (_shown(policy, record, holder, c, x) for x in (value, limit))
        notes.append(Note._make(
            award=getattr(items[int(item[1])], key) if item else None, rule="", clause="",
            text=f"{path} is {value}, past {c.of_case or c.at_most} ({limit}): {c.message} "
                 "(the case is read as given)", source="case"))
    return notes


def _shown(policy: CheckedPolicy, record: Any, holder: Any, c: Any, value: Any) -> str:
    """A side of a broken constraint as the memo writes values (core.values.show): an
    amount in its record's unit, to that unit's places (`500,000.00 USD`), not as the case
    file spells it; both sides are in the same unit (crosscheck.py). `record`, `holder`:
    the record type and the case's item that hold the field."""
    field = record.field(c.field)
    if field.type != "money":
        return show(value)
    unit_field = next((f.name for f in record.fields if f.type == "unit"), None)
    unit = getattr(holder, unit_field, None) if unit_field and not field.default_unit else None
    return show(Money(Decimal(value), unit or policy.vocabulary.default_unit))


def policy_ref(policy: CheckedPolicy) -> PolicyRef:
    """The policy, and which version of it: as its header says."""
    header = policy.header
    return PolicyRef._make(name=header.name, sha256=policy.loaded.sha256,
                     adopted_on=header.adopted_on.isoformat() if header.adopted_on else None,
                     adopted_by=header.adopted_by,
                     effective=header.effective.isoformat() if header.effective else None)


def participant(policy: CheckedPolicy, case: Any) -> Participant:
    """The subject of the case as the vocabulary's `[roles.summary]` reads it."""
    subject_name, summary, listed = _summary(policy)
    subject = getattr(case, subject_name, None)
    made = Participant._make(**{key: _standing(subject, read) if standing
                                else _read(subject, read) for key, read, standing in summary})
    made.record_items({path: found for path, split in listed
                       if (found := _items(subject, split)) is not None})
    return made


# `[roles.summary]` as `participant` reads it: the subject's field; each key with what it
# reads (its path split; for `standing`, each path with its parts and its label) and whether
# it is `standing`; and every path with its parts, for the items each value came from.
_Summary = tuple[str, tuple[tuple[str, Any, bool], ...], tuple[tuple[str, list[str]], ...]]
_SUMMARIES: "weakref.WeakKeyDictionary[CheckedPolicy, _Summary]" = weakref.WeakKeyDictionary()


def _summary(policy: CheckedPolicy) -> _Summary:
    """What `participant` reads, from the declarations once per policy (not once a case)."""
    found = _SUMMARIES.get(policy)
    if found is None:
        roles, decls = policy.vocabulary.roles, policy.vocabulary.declarations
        record = next((f.record for f in decls.fields if f.name == roles.subject), "") or ""
        summary = tuple((key, tuple((p, p.split("."), decls.label(record, p)) for p in path),
                         True) if key == "standing" else (key, path.split("."), False)
                        for key, path in roles.summary)
        listed = tuple((p, p.split(".")) for _, path in roles.summary
                       for p in ((path,) if isinstance(path, str) else path))
        found = _SUMMARIES[policy] = (roles.subject, summary, listed)
    return found


def _items(subject: Any, path: list[str]) -> list[int] | None:
    """For a path through a list of the subject, the index of the item each value `_read`
    reads there came from; None for a path through none."""
    items = getattr(subject, path[0], None) if subject is not None else None
    if not isinstance(items, (list, tuple)):
        return None
    return [i for i, item in enumerate(items) if _read(item, path[1:]) is not None]


def _standing(subject: Any, paths: tuple[tuple[str, list[str], str], ...]) -> list | None:
    """The facts of `[roles.summary] standing` the case records, each with its label."""
    found = [(path, label, _read(subject, parts)) for path, parts, label in paths]
    return [Standing._make(fact=path, label=label, value=value)
            for path, label, value in found if value not in (None, [])] or None


def item_facts(policy: CheckedPolicy, case: Any) -> list[AwardFacts]:
    """What the case records of each decided item, as `[roles.item_summary]` reads it; a path
    through a link reads the items of the case's list it names (indexed once per case)."""
    decided, links, keys, plan = _links(policy)
    indexes = {name: {getattr(i, key): i for i in getattr(case, links[name].target, None) or ()}
               for name, key in keys.items()}
    return [_facts(policy, item, plan, indexes) for item in getattr(case, decided)]


# Each item's summary, as `_links` reads it from the declarations: (key, the first name of
# its path, the rest of the path, the link the first name is or None).
_Plan = tuple[tuple[str, str, tuple[str, ...], Any], ...]
_LINKS: "weakref.WeakKeyDictionary[CheckedPolicy, tuple[str, dict, dict, _Plan]]" = \
    weakref.WeakKeyDictionary()


def _links(policy: CheckedPolicy) -> tuple[str, dict, dict[str, str], _Plan]:
    """The decided items' field, their record's links by name, the key of the record each
    link names, and the paths `[roles.item_summary]` reads: from the declarations once per
    policy."""
    found = _LINKS.get(policy)
    if found is None:
        declarations = policy.vocabulary.declarations
        decided = policy.vocabulary.roles.decided
        named: dict[str, Any] = {}
        for f in declarations.fields:
            named.setdefault(f.name, f.record)
        links = {link.name: link for link in declarations.records[named[decided]].links}
        keys = {name: declarations.records[named[link.target]].key
                for name, link in links.items()}
        plan = tuple((key, first, tuple(rest), links.get(first))
                     for key, path in policy.vocabulary.roles.item_summary
                     for first, *rest in (path.split("."),))
        found = _LINKS[policy] = (decided, links, keys, plan)
    return found


def _facts(policy: CheckedPolicy, item: Any, plan: _Plan, indexes: dict) -> AwardFacts:
    found = {}
    for key, first, rest, link in plan:
        if link is not None:
            index = indexes[first]
            named = dict.fromkeys(getattr(item, link.via, None) or ())
            found[key] = _read([index[n] for n in named if n in index], rest)
        else:
            value = getattr(item, first, None)
            found[key] = _read(value, rest) if rest else _leaf(value)
    unit = found.get("unit") or policy.vocabulary.default_unit
    if isinstance(found.get("awarded"), Decimal) and isinstance(found.get("paid"), Decimal):
        found["unpaid"] = found["awarded"] - found["paid"]
    # Amounts as the contract writes them: quantized once, here (cents for USD).
    return AwardFacts._make(**{k: format(quantize(v, unit), "f") if isinstance(v, Decimal) else v
                         for k, v in found.items()})


def _leaf(value: Any) -> Any:
    """`_read(value, ())` without a call for the kinds an item's summary reads most (a text,
    an amount, a truth value, a day, a list of texts, nothing)."""
    kind = type(value)
    if kind is str or value is None or kind is Decimal or kind is bool:
        return value
    if kind is dt.date:
        return value.isoformat()
    if kind is list and all(type(v) is str for v in value):
        return list(value)
    return _read(value, ())


def _read(data: Any, path: Sequence[str]) -> Any:
    """A text, or a list of texts, at `path`; a list's items are read one by one. None where
    the case records nothing."""
    if data is None:
        return None
    kind = type(data)
    if not path and (kind is str or kind is dt.date):  # the most frequent, as below
        return data if kind is str else data.isoformat()
    if isinstance(data, (list, tuple)):
        found = [_read(item, path) for item in data]
        return [str(f) for f in found if f is not None]
    if not path:
        return data if isinstance(data, (bool, Decimal)) else str(getattr(data, "value", data))
    return _read(getattr(data, path[0], None), path[1:])


def revision_statuses(policy: CheckedPolicy, case: Any, facts: dict[str, Any]) -> dict[str, str]:
    """Whether the participant is in each revision's sub-set: met, not_met or unknown."""
    determiner = Determiner(policy, case, facts)
    ev = Evaluator(policy, case, facts)
    env = Env(determiner.rules([]))
    with decimal.localcontext(ARITHMETIC):
        return {r.name: status_of(determiner.membership(ev, r, env)) for r in policy.revisions}
