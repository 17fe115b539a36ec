"""Open questions: how a determination asks for a fact it does not know, and what each
answer would lead to."""

from __future__ import annotations

import datetime as dt
import functools
import re
import weakref
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, Iterable, NamedTuple

from clawpolicy.check.facts import FACTS
from clawpolicy.core import types as t
from clawpolicy.evaluate import alike
from clawpolicy.evaluate.determination import total_field
from clawpolicy.evaluate.decide import CaseRun, Determiner
from clawpolicy.evaluate.items import one_item, worded
from clawpolicy.evaluate.expressions import EvaluationError
from clawpolicy.evaluate.ranges import beyond, range_words, refined, shape, step_by
from clawpolicy.core.values import Money

if TYPE_CHECKING:
    from clawpolicy.vocabulary import Vocabulary

# How far apart the answers tried around a plain number (one with no unit) are.
NUMBER_STEP = Decimal("0.01")


def question_for(fact: str, case: Any, vocabulary: "Vocabulary",
                 declared: dict[str, str | None]) -> str:
    """The question for a fact, in the words the vocabulary (or the policy, for its own
    `facts`) declares; a fact declared with no question is asked by its path."""
    if fact.startswith(f"{FACTS}."):
        asked = declared.get(fact.removeprefix(f"{FACTS}."))
        return asked or f"What is {fact}?"
    item = re.fullmatch(rf"{re.escape(vocabulary.roles.decided)}\[\d+\]\.{FACTS}\.(\w+)", fact)
    if item is not None:  # a fact the policy declares per item: asked of that item
        asked = declared.get(item[1]) or f"What is {FACTS}.{item[1]}?"
        each, decided = vocabulary.roles.each, vocabulary.roles.decided
        record = next(f.record for f in vocabulary.declarations.fields if f.name == decided)
        named = vocabulary.keys_on(fact, case)[record]
        placeholder = "{" + each + "}"
        return asked.replace(placeholder, named) if placeholder in asked \
            else f"{asked} ({each} {named})"
    return vocabulary.question(fact, case) or f"What is {fact}?"


# ---------------------------------------------------------------- answering them

def fact_type(determiner: Determiner, fact: str) -> tuple[t.Type, str | None, Any]:
    """The static type of a fact path, its unit for an amount (the unit of the record that
    holds it, where that record has a unit of its own, else the vocabulary's default), and
    the most it can be by the vocabulary's constraints on its record (an amount paid is at
    most the amount awarded; a period's end no later than the earlier of its filing and
    issuance dates; the day an award with an amount paid was received no later than the
    case's date), where that is known. A constraint with a condition bounds only where the
    case is known to meet it, and bounds the field of its condition where the case is known
    to break it otherwise (no amount paid, where the day received is known to be after the
    case's date)."""
    current, unit, holder, last = _walk(determiner, fact)
    decl = _declaration(determiner, holder)
    case = determiner.case
    limits = [c.limit(holder[1], case) if c.field == last else c.caps_when(holder[1], case)
              for c in decl.constraints if last in (c.field, c.when and c.when[0])] \
        if decl is not None else []
    limit = min((x for x in limits if x is not None), default=None)
    bound = None if limit is None else Money(Decimal(limit), unit) if unit else limit
    if current == t.MONEY:
        unit = unit or determiner.policy.vocabulary.default_unit
    return current, unit, bound


def fact_floor(determiner: Determiner, fact: str) -> Decimal | dt.date | None:
    """The least a fact can be by the vocabulary's constraints on its record, where that is
    known: a field others are declared at most (an amount awarded is at least the amount
    paid, a filing date at least its period's end) is at least the greatest of them the case
    knows, or the determiner answers (settle._Answered, as `tied`). None where none is
    known."""
    _, _, holder, last = _walk(determiner, fact)
    decl = _declaration(determiner, holder)
    answer, path = determiner.answer, fact.rsplit(".", 1)[0]
    known = [answer.get(f"{path}.{c.field}", getattr(holder[1], c.field, None))
             for c in decl.constraints
             if c.at_most == last and c.applies(holder[1])] if decl is not None else []
    known = [k if isinstance(k, dt.date) else Decimal(getattr(k, "amount", k))
             for k in known if k is not None]
    return max(known) if known else None


def tied(determiner: Determiner, fact: str) -> list[tuple[Any, tuple[str, str, str | None],
                                                          tuple[Any, Any, Any]]]:
    """The vocabulary's constraints on the record holding a fact that name it (as their
    field, their limit or their condition's field): each with the paths of its field, its
    limit and its condition's field, and the values the case gives them (None: unknown).
    Found once a fact for the case (Determiner.tied); a determiner that answers facts in
    every run (settle._Answered) knows them too."""
    found = determiner.tied.get(fact)
    if found is None:
        found = determiner.tied[fact] = _naming(determiner, fact)
    answer = determiner.answer
    if not answer or not found:
        return found
    return [(c, paths, tuple(_plain(answer[p]) if p in answer else k
                             for p, k in zip(paths, known))) for c, paths, known in found]


def _naming(determiner: Determiner, fact: str) -> list[tuple[Any, tuple, tuple]]:
    _, _, holder, last = _walk(determiner, fact)
    decl = _declaration(determiner, holder)
    if decl is None:
        return []
    prefix = fact[:len(fact) - len(last)]
    found = []
    for c in decl.constraints:
        names = (c.field, None if c.of_case else c.at_most, c.when and c.when[0])
        if last not in names:
            continue
        paths = (prefix + c.field, c.of_case or prefix + c.at_most,
                 c.when and prefix + c.when[0])
        known = (getattr(holder[1], c.field, None),
                 getattr(determiner.case if c.of_case else holder[1],
                         c.of_case or c.at_most, None),
                 c.when and getattr(holder[1], c.when[0], None))
        found.append((c, paths, tuple(_plain(k) for k in known)))
    return found


def _plain(value: Any) -> Any:
    return Decimal(value.amount) if isinstance(value, Money) else value


def admissible(determiner: Determiner, answers: dict[str, Any], fact: str) -> bool:
    """Whether answers to facts, the last to `fact` (the others kept them before it was
    answered), keep the vocabulary's constraints jointly: with the case's known values, no
    constraint that names `fact` is broken (an answer past its limit where its condition
    holds). One whose every side the case gives is the case's own (read as given, with a
    note), not the answers'."""
    return not any(c.breaks(*(_plain(answers[p]) if p in answers else k
                              for p, k in zip(paths, known)))
                   for c, paths, known in tied(determiner, fact))


def tie_points(determiner: Determiner, fact: str) -> list[Any]:
    """Where a constraint ties a fact to another the case does not know, the point at which
    the other's answers make it hold or not: for its field, its limit the case knows (the
    case's date, where the amount paid is unknown); for its condition's field, the
    threshold (zero paid, where the day received is unknown). An answer on either side of
    it is then admissible or not as a whole."""
    _, _, _, last = _walk(determiner, fact)
    points = []
    for c, _, (value, limit, held) in tied(determiner, fact):
        if c.when is None or limit is None:
            continue
        if last == c.field and held is None:
            points.append(limit)
        elif last == c.when[0] and value is None:
            points.append(c.when[1])
    return points


def answering(determiner: Determiner, fact: str, value: Any) -> dict[str, Any]:
    """An answer as a run takes it: the fact's value, and the facts it forces (`forced`)."""
    return {fact: value, **forced(determiner, fact, value)}


def forced(determiner: Determiner, fact: str, value: Any) -> dict[str, Any]:
    """The other facts an answer leaves one admissible answer, with it: where the answer is
    past a constraint's limit the case knows, the constraint's condition cannot hold, and
    the field of that condition, unknown, whose least is the threshold (an amount paid, not
    above zero) is that least (where the day received is after the case's date, nothing
    was paid). An evaluation with the answer alone would leave it open to answers the case
    does not admit."""
    found = {}
    for c, (path, _, held_path), (_, limit, held) in tied(determiner, fact):
        if path != fact or c.when is None or limit is None or held is not None \
                or not _plain(value) > limit or c.when[1] != 0:
            continue
        type_, unit, _ = fact_type(determiner, held_path)
        found[held_path] = Money(Decimal(0), unit) if type_ == t.MONEY else Decimal(0)
    return found


def fact_format(determiner: Determiner, fact: str) -> str | None:
    """The form the vocabulary declares for a text fact (a month and day), if any."""
    _, _, holder, last = _walk(determiner, fact)
    decl = _declaration(determiner, holder)
    found = decl.field(last) if decl is not None else None
    return found.format if found is not None else None


def linked_keys(determiner: Determiner, fact: str) -> list[Any]:
    """Where `fact` is the field a link of its record goes through (an award's
    `calculated_on` names items of the case's `statements`), the keys of the items the case
    lists there: the values an answer to it can name. Otherwise none."""
    _, _, holder, last = _walk(determiner, fact)
    if holder is None or not isinstance(holder[0], t.Record):
        return []
    link = next((f.link for f in holder[0].fields.values()
                 if f.link is not None and f.link.via == last), None)
    if link is None:
        return []
    items = getattr(determiner.case, link.target, None) or ()
    return [key for key in (getattr(item, link.key, None) for item in items)
            if key is not None]


def _walk(determiner: Determiner, fact: str) -> tuple[Any, str | None, Any, str]:
    """(the fact's static type, its unit, (the type and data of the record holding it),
    the fact's last name) along the fact's path through the case."""
    record = determiner.policy.case_type
    parts = fact.replace("]", "").replace("[", ".").split(".")
    current: Any = record
    data: Any = determiner.case
    unit = None
    holder: Any = None
    for part in parts:
        if part.isdigit():
            current = current.element
            # (an item of a list the case leaves unknown, which an answer gives: items.one_item)
            data = data[int(part)] if data is not None else None
            continue
        holder = (current, data)
        field_type = current.fields[part]
        if field_type.money_unit_from is not None:
            unit = getattr(data, field_type.money_unit_from)
        current = field_type.type
        if isinstance(current, t.Record) and current.name == FACTS:
            continue  # a policy's own facts stand on their holder, in its unit
        data = getattr(data, part, None) if not isinstance(data, dict) else data.get(part)
    return current, unit, holder, parts[-1]


def _declaration(determiner: Determiner, holder: Any) -> Any:
    """The vocabulary's declaration of the record holding a fact, where it is one: the first
    declared of its record type, found by name in an index made once per policy."""
    if holder is None or not isinstance(holder[0], t.Record):
        return None
    index = _RECORDS.get(determiner.policy)
    if index is None:
        index = _RECORDS[determiner.policy] = {}
        for d in determiner.policy.vocabulary.declarations.records.values():
            index.setdefault(d.type_name, d)
    return index.get(holder[0].name)


# Each policy's record declarations by record type (`_declaration`), held weakly.
_RECORDS: "weakref.WeakKeyDictionary[Any, dict[str, Any]]" = weakref.WeakKeyDictionary()


# The answer that stands for every value but those listed before it: a text none of the
# policy's values, a list of records that holds items.
ANY_OTHER = "any other"
OTHER_VALUE = "\u2063any other"  # the text read for ANY_OTHER: no policy literal equals it


class Fallback(NamedTuple):
    """One answer found without the combinations: its label, where it leads, whether the
    amount moves with the answer, and (where it leaves the case pending) on what."""
    label: Any
    outcome: str
    recoverable: Any
    varies: bool
    pending_on: list[str] | None = None


def fallback_answers(determiner: Determiner, run: CaseRun, fact: str,
                     settled: Callable[..., CaseRun] | None = None,
                     turns: Any = (), listed: Any = None,
                     unmoved: dict[int, list[str]] | None = None,
                     moved: Callable[[Any], dict[int, list[str]]] | None = None,
                     asking: Callable[..., list[str] | None] | None = None):
    """Where the answers cannot be enumerated (past exact.BOUND): each answer the fact could
    have and where it leads (the case outcome and the total), found by evaluating the case
    again with the answer in place and the other facts still unknown. With `settled`, an
    answer of a finite fact is followed as the determination would be (exactly). `turns`:
    for an amount or a date, the points at which a search saw its answers turn (or tracking
    it alone found: alone.py), tried beside those the policy names. `listed`: its answers
    as the search lists them (exact.Finite): a declared form's every value, in order
    (answered as runs), or a set's: none, each word alone, all. `unmoved`: see open_facts;
    `moved`, for an answer, the like for the awards it moves (differ.Unmoved.moved).
    `asking`, for an answer that leaves the case pending: the facts the case with it in
    place asks (asked.asked_answer), its `pending_on` where found (else `unmoved` and
    `moved` say it)."""
    type_, unit, bound = fact_type(determiner, fact)
    vocabulary = determiner.policy.vocabulary
    # A fact of one of the items decided one by one moves only that item's result.
    item = re.match(rf"{re.escape(vocabulary.roles.decided)}\[(\d+)\]", fact)
    only = int(item[1]) if item else None

    def leads_to(value: Any, given: dict[str, Any] | None = None
                 ) -> tuple[str, Any, list[str] | None]:
        # Only the outcome and the amounts are read: no reasons, and only the award the fact
        # belongs to is evaluated again. `given`: other facts the answer gives with it.
        more = (given,) if given else ()  # (settled takes them where there are any)
        try:
            answered = settled(determiner, fact, value, *more) if settled is not None else \
                determiner.run({**answering(determiner, fact, value), **(given or {})},
                               reasons=False, reuse=run, only_award=only)
        except EvaluationError as error:
            if error.diagnostics[0].code == "CP0506":
                return None  # the policy's dates leave the calendar at this answer
            raise
        outcome = answered.outcome
        open_ = None
        if outcome == "pending":
            # Each pending award's facts as its group's search found them (`unmoved`,
            # `moved`); where some award's or the case's are only those its run stopped at,
            # what the case with the answer in place asks, where that is found.
            found = {**(unmoved or {}), **(moved(value) if moved else {})}
            asked = asking(value, given) if asking is not None and (
                answered.unknowns or any(e.result.outcome == "pending" and not found.get(i)
                                         for i, e in enumerate(answered.awards))) else None
            open_ = ([f for f in asked if f != fact] or None) if asked is not None else \
                open_facts(answered, fact, found)
        return (outcome, total_field(answered.totals()) if outcome == "recovery" else None,
                open_)

    if type_ == t.BOOLEAN:
        return _runs(_each([True, False], leads_to), ordered=False)
    if listed is not None and (listed.ordered or isinstance(type_, t.SetOf)):
        # (a set's answers are lists, those that lead alike one answer, as the search's)
        return _runs(_each([v for v, _ in listed.answers], leads_to,
                           [label for _, label in listed.answers]), ordered=listed.ordered)
    if type_ == t.TEXT:  # each text the policy compares it with, and any other (exact.domain)
        named = sorted({p for p in run.evaluator.pivots.get(fact, []) if isinstance(p, str)}
                       | alike.words(determiner.policy, fact))
        return _runs(_each(named, leads_to) + [
            Fallback(ANY_OTHER, r[0], r[1], False, r[2]) for r in [leads_to(OTHER_VALUE)]
            if r is not None], ordered=False)
    if isinstance(type_, t.ListOf | t.SetOf):
        # A list cannot be enumerated, but its emptiness is an answer of its own.
        answers = [Fallback([], r[0], r[1], False, r[2]) for r in [leads_to(())]
                   if r is not None]
        if isinstance(type_, t.ListOf) and (run.outcome != "pending"
                                            or not isinstance(type_.element, t.Record)):
            # A list that holds items leads where the case leads with the list unknown: the
            # outcome the other facts decide (pending, on the items, where that is open), with
            # an amount that moves with what the items are. A list of records does so only
            # where that outcome is settled (no list can change it then, the list unknown
            # being read as any list); a pending one would name the list it answers.
            outcome = run.outcome
            answers.append(Fallback(ANY_OTHER, outcome, None, True,
                                    [fact, *(open_facts(run, fact, unmoved) or ())]
                                    if outcome == "pending" else None))
        elif isinstance(type_, t.ListOf):
            answers += _holding(fact, type_.element, determiner.policy, leads_to)
        return answers
    if isinstance(type_, t.Enum):
        return _runs(_each(list(type_.values), leads_to), ordered=False)
    named = [p for p in run.evaluator.pivots.get(fact, [])
             if isinstance(p, dt.date | Decimal | Money)]
    def plain(points: Iterable[Any]) -> set[Any]:
        return {p.amount if isinstance(p, Money) else p for p in points
                if isinstance(p, dt.date | Decimal | Money)}
    if type_ not in (t.DATE, t.MONEY, t.NUMBER):
        return []
    first = plain(named or turns)
    # Where a constraint ties the fact to another unknown, its point too (`tie_points`):
    # the answers on either side of it are admissible with different answers to the other.
    # The points the ranges are said by: the policy's (where it names any) and those.
    said = sorted(first | plain(tie_points(determiner, fact)))
    raw = sorted({*said, *plain(turns)})
    step = dt.timedelta(days=1) if type_ == t.DATE else \
        vocabulary.step(unit) if type_ == t.MONEY else NUMBER_STEP

    def point(x: Any) -> Any:
        return Money(x, unit) if type_ == t.MONEY and not isinstance(x, Money) else x

    # Within the vocabulary's constraints (a date no later than the case's date, an amount
    # no more than another): an answer they rule out is none the case admits.
    floor = fact_floor(determiner, fact) if type_ in (t.DATE, t.MONEY, t.NUMBER) else None
    top = bound.amount if isinstance(bound, Money) else bound

    def admitted(x: Any) -> bool:
        return (floor is None or x >= floor) and (top is None or x <= top)
    # Each point and its neighbours (a search's point is where an answer turned with the
    # other facts answered; with them unknown, the answer after it may turn too).
    candidates = sorted({q for p in raw for q in (step_by(p, -step), p, step_by(p, step))
                         if q is not None and not (isinstance(q, Decimal) and q < 0)
                         and admitted(q)}) \
        or [x for x in (floor, top) if x is not None][:1] \
        or [determiner.case.as_of if type_ == t.DATE else Decimal(0)]  # no point at all:
    # one answer, "any value" (compared only with facts still open, as two amounts one
    # of which is not known: where it leads turns on them)
    # An answer at which the policy's date arithmetic leaves the calendar is not offered.
    lead = functools.cache(lambda x: leads_to(point(x)))  # each answer followed once
    # Beyond the first and the last point too (a range open below or above is said from
    # them), and where two neighbours lead apart, the answers at which they part (`refined`).
    ends = [x for x in beyond(candidates[0], candidates[-1], None, None)
            if admitted(x) and not candidates[0] <= x <= candidates[-1]]
    results = refined([(q, r) for q, r in ((q, lead(q)) for q in sorted({*candidates, *ends}))
                       if r is not None], lead, step, type_)
    answers = []
    start = 0
    for i in range(1, len(results) + 1):
        if i < len(results) and shape(results[i][1], type_) == shape(results[start][1], type_):
            continue
        lower = results[start][0] if start > 0 else None
        upper = results[i][0] if i < len(results) else None
        outcome, amount, open_ = results[start][1]
        # The amount is stated only where it is the same across the whole range.
        far = [x for x in beyond(results[start][0], results[i - 1][0], lower, upper)
               if admitted(x)]
        tried = [r for _, r in results[start:i]] + [
            r for r in (lead(x) for x in far) if r is not None]
        varies = amount is not None and any(r[1] != amount for r in tried)
        words = range_words(lower, upper, said, unit if type_ == t.MONEY else None, step,
                             (floor, top) if type_ == t.DATE else (None, None))
        answers.append(Fallback(words, outcome, None if varies else amount, varies, open_))
        start = i
    return answers


def _holding(fact: str, record: t.Record, policy: Any,
             leads_to: Callable[..., tuple | None]) -> list[Fallback]:
    """A list of records that holds items, where the case with the list unknown is pending.
    It leads where the case leads with one item whose every field is unknown (a policy
    tests each of its items alone), settled. Where that stays open on a field of the item
    answered by words (`participant.roles[0].role`), one answer for each word, the list of
    one record with that field given (`[{"role": "chief_executive_officer"}]`), each
    settled, those that lead alike one answer (`if` the list of them), pending where they
    are on the other facts still open, never the list nor the field given. Otherwise one
    answer "any other": where the one item leads, with an amount that moves with what the
    items are, pending on the facts still open (the item's own ones by ranges included)."""
    one = one_item(fact, record, policy.vocabulary)
    first = leads_to(one)
    if first is None:
        return []
    asked = worded(fact, record, first[2] or []) if first[0] == "pending" else None
    if asked is None:
        return [Fallback(ANY_OTHER, first[0], None, first[0] in ("recovery", "pending"),
                         first[2])]
    name, words = asked
    given = f"{fact}[0].{name}"
    results, totals = {}, {}
    # Words every test the policy makes on the field treats alike lead alike (alike.py):
    # each class settled once, by its first word. The field is given as an answer of its
    # own: the list's items are read as the case's facts are, by their paths.
    for word, first_alike in zip(words, alike.representatives(policy, given, words) or words):
        if first_alike in results:
            results[word] = results[first_alike]
            continue
        found = leads_to(one, {given: word})
        if found is not None:
            outcome, total, open_ = found
            totals[repr(total)] = total
            results[word] = (outcome, repr(total), tuple(f for f in open_ or () if f != given))
    labels = labelled_runs(((r, [{name: w}]) for w, r in results.items()), ordered=False)
    return [Fallback(found[0] if len(found) == 1 else found, outcome, totals[total], False,
                     list(open_) or None)
            for (outcome, total, open_), found in labels.items()]


def open_facts(run: CaseRun, fact: str, unmoved: dict | None = None) -> list[str] | None:
    """The facts a pending run still turns on (its pending awards' and the case's own), but
    `fact`; None where there are none. An award of `unmoved` (differ.Unmoved): its facts."""
    found = [f for i, e in enumerate(run.awards) if e.result.outcome == "pending" for f in
             (unmoved or {}).get(i) or [f for u in e.unknowns for f in u.facts]] + \
        [f for u in run.unknowns for f in u.facts]
    return [f for f in dict.fromkeys(found) if f != fact] or None


def _each(values: list[Any], leads_to, labels: list[Any] | None = None) -> list[Fallback]:
    """Each answer of a finite domain (labelled as `labels` says, else by itself) and where
    it leads (but one at which the policy's dates would leave the calendar)."""
    return [Fallback(label, r[0], r[1], False, r[2])
            for label, r in zip(labels or values, map(leads_to, values)) if r is not None]


def _runs(answers: list[Fallback], ordered: bool) -> list[Fallback]:
    """The answers that lead to the same result as one (`if` the list of them), as the
    determination's own questions give them; values in an order of their own (the days of a
    year) as runs of neighbours that do ("01-01 to 05-09")."""
    def key(a: Fallback) -> tuple:
        return (a.outcome, repr(a.recoverable), repr(a.pending_on))
    first = {key(a): a for a in answers}
    labels = labelled_runs(((key(a), a.label) for a in answers), ordered)
    return [first[k]._replace(label=v[0] if len(v) == 1 else v) for k, v in labels.items()]


def labelled_runs(pairs: Iterable[tuple[Any, Any]], ordered: bool) -> dict[Any, list[Any]]:
    """The labels of answers by the result they lead to (`pairs`: result, label, in the
    domain's order); where the domain is ordered (the days of a year), neighbours leading to
    one result make one run, labelled "first to last" (one label where it is one value)."""
    found: dict[Any, list[Any]] = {}
    last: Any = _NONE
    for result, label in pairs:
        labels = found.setdefault(result, [])
        if ordered and result == last:
            labels[-1] = (labels[-1][0], label)
        else:
            labels.append((label, label) if ordered else label)
        last = result
    if not ordered:
        return found
    return {k: [a if a == b else f"{a} to {b}" for a, b in runs] for k, runs in found.items()}


_NONE = object()  # no result met yet
