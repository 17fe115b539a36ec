"""What the combinations of answers (exact.py) settle: each undecided award decided where
every admissible answer gives the same outcome and amount, the range of those that stay
pending, and the open questions, each asked only where an answer changes something, with
where each answer leads.

An answer's result is found the way the determination itself is: the combinations that keep
that answer settle each award of its group (decided where they agree), and the case's
outcome and total follow from those and the other awards. Applying the answer to the case
therefore yields exactly what the answer says."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from clawpolicy.core.values import Money
from clawpolicy.evaluate import alone, amountrule, searching, shortcuts
from clawpolicy.evaluate.asked import Asking
from clawpolicy.evaluate.caserun import AwardEvaluation, CaseRun, case_outcome, case_totals
from clawpolicy.evaluate.decide import Determiner
from clawpolicy.evaluate.differ import Unmoved, matters, that_matter
from clawpolicy.evaluate.determination import Answer, OpenQuestion, Range, Remedy, Split, \
    amount, total_field
from clawpolicy.evaluate.env import Env
from clawpolicy.evaluate.reasons import Reason
from clawpolicy.evaluate.exact import ANY, BOUND, ROUNDS, Combination, Exact, \
    Finite, Group
from clawpolicy.evaluate.ranges import interval_words as _interval, money_range, show_point
from clawpolicy.evaluate.questions import answering, fallback_answers, labelled_runs, question_for
from clawpolicy.evaluate.unlisted import lists_alike
from clawpolicy.evaluate.searching import Searching
from clawpolicy.evaluate.tracking import Scale
from clawpolicy.evaluate.watch import decision


@dataclass
class Settled:
    run: CaseRun
    questions: list[OpenQuestion]
    asked: list[str] | None = None  # with `asked_only`: the facts asked, in their order
    bounded: bool = True  # and whether every group was searched within its bound


def settle(determiner: Determiner, run: CaseRun, ask: bool = True,
           asked_only: bool = False, bound: int | None = None) -> Settled:
    """The run settled by the exactness rule, and (with `ask`) its open questions. Without
    `ask`, only the outcome and the amounts of the run are settled (where an answer leads):
    an award that stays pending keeps the run's evaluation, without its range or notes.
    With `asked_only`, only which facts the questions ask, each group searched up to `bound`
    combinations (given up past it: `Settled.bounded`)."""
    closed = searching.closed(run)
    if closed is not None:
        return Settled(closed, [], [])
    exact = Exact(determiner, run, outcome_only=not ask, bound=bound, stop=asked_only)
    groups = exact.groups()
    if asked_only and exact.passed:
        return Settled(run, [], None, False)
    awards = list(run.awards)
    fallback: list[str] = []
    turns: dict[str, list] = {}
    for group in groups:
        if group.undecided:  # every award it settles stays pending (watch.py)
            continue
        if not group.combinations:
            fallback += [f for f in dict.fromkeys(group.cited + group.facts)
                         if f not in fallback]
            if group.tracker is not None:  # where the search saw an answer turn: tried
                for f in group.tracker.thresholds:  # again, alone (moving or past the bound)
                    alone.seen(turns, group, f)
            if group.overflow:
                count = f"more than {BOUND:,}" if group.overflow == BOUND + 1 else \
                    f"{group.overflow:,}"
                why = (f"the answers to {', '.join(group.cited)} make {count} combinations, "
                       f"past the bound of {BOUND:,}")
            elif group.moving:
                why = (f"the points at which the answers to {', '.join(group.facts)} turn "
                       f"were still moving after {ROUNDS} rounds of sampling")
            else:
                whole = [f for f, d in group.domains.items() if d is None]
                why = f"the answers to {', '.join(f'{f} (a whole record)' for f in whole)}" \
                    " are not enumerated"
            for i in group.awards:
                if awards[i].result.outcome == "pending":
                    awards[i] = _noted(awards[i], f"not settled exactly: {why}; the award is "
                                       "left as the facts known decide it")
            continue
        if asked_only:
            continue
        asked = that_matter(group)
        pending = [i for i in group.awards if run.awards[i].result.outcome == "pending"]
        shown = _shown(exact, group, pending)
        for i in pending:
            awards[i] = _award(exact, group, i, asked, shown.get(i))
    # The case-level facts the searches left unknown (exact.Group.unlisted), and those two
    # groups share that stay apart (Exact.apart) where either asks them: asked alone.
    fallback += [f for g in groups for f in g.unlisted if f not in fallback]
    for g in groups:
        for f in that_matter(g) if g.combinations else ():
            if f in exact.apart:  # (where each group's search saw it turn: every group's)
                fallback += [f] if f not in fallback else []
                alone.seen(turns, g, f)
    unknowns, others = run.unknowns, run.others
    whole = next((g for g in groups if g.combinations and len(g.awards) == len(awards)
                  and run.unknowns), None)
    if whole is not None and len({c.others for c in whole.combinations}) == 1 and \
            whole.combinations[0].others is not None:
        first = whole.combinations[0].values
        answered = determiner.run({f: _read(whole, f, v) for f, v in zip(whole.facts, first)
                                   if v is not ANY}, reasons=exact.reasons)
        others, unknowns = answered.others, []
    settled = CaseRun(awards, others, unknowns, run.applied, run.evaluator)
    alike = lists_alike(determiner, run, settled, [f for g in groups for f in g.unlisted],
                        _settled_answer)
    if alike is not None:  # every admissible answer gives the same result: nothing is asked
        settled, fallback = alike, []
    if not ask:
        return Settled(settled, [])
    fallback, skipped = alone.needed(exact, fallback)
    if asked_only:  # the facts the questions below ask, in their order
        return Settled(settled, [], [f for g in groups if g.combinations
                                     for j, f in enumerate(g.facts)
                                     if matters(g, j) and f not in exact.apart] + fallback)
    questions = []
    unmoved = Unmoved(determiner, run, groups)
    vocabulary = determiner.policy.vocabulary
    declared = {d.name: d.question for d in determiner.policy.fact_decls}
    # Every fact the determination asks: what an answer leaves a case pending on elsewhere.
    asked = {f for g in groups if g.combinations for f in that_matter(g)} | set(fallback)
    # What each award its group leaves pending is asked on (_elsewhere): the facts that
    # matter in the group, or those asked alone where the group was not searched whole.
    of_award = {i: that_matter(g) if g.combinations else list(dict.fromkeys(g.cited + g.facts))
                for g in groups for i in g.awards}
    for group in groups:
        if not group.combinations:
            continue
        for j, fact in enumerate(group.facts):
            if matters(group, j) and fact not in exact.apart:
                questions.append(OpenQuestion(
                    fact=fact, question=question_for(fact, determiner.case, vocabulary, declared),
                    answers=_answers(settled, group, j, exact, asked, of_award)))
    for fact in fallback:
        if not turns.get(fact) and not run.evaluator.pivots.get(fact):
            turns[fact] = alone.turns(exact, fact)  # none known: it is tracked alone
        questions.append(OpenQuestion(
            fact=fact, question=question_for(fact, determiner.case, vocabulary, declared),
            answers=[Answer(**{"if": a.label}, outcome=a.outcome, recoverable=a.recoverable,
                            recoverable_depends_on_answer=a.varies or None,
                            pending_on=alone.named(a.pending_on, skipped, asked))
                     for a in fallback_answers(determiner, settled, fact, shortcuts.Leads(
                         lambda d, f, v, *given: _settled_answer(
                             _Answered(d, *given) if given else d, f, v, run)),
                                                turns.get(fact, ()), _listed(exact, fact),
                                                unmoved(fact),
                                                lambda value, f=fact: unmoved.moved(f, value),
                                                Asking(determiner, fact, run))]))
    return Settled(settled, questions)


class _Answered(Searching):
    """The determiner with one fact answered, in every run it makes. The rules' values and
    the awards decided are shared with the determiner it answers for (Searching): each is
    kept by what it depends on, the answer included (depends.py, awardmemo.py), so what one
    answer's search decided serves the others."""

    def __init__(self, base: Determiner, answer: dict[str, Any]):
        super().__init__(base)
        self.answer = {**base.answer, **answer}  # (a determiner answered already: its too)

    def run(self, overrides: dict[str, Any] | None = None, *args: Any, **kwargs: Any) -> CaseRun:
        return super().run({**self.answer, **(overrides or {})}, *args, **kwargs)


def _settled_answer(determiner: Determiner, fact: str, value: Any,
                    first: CaseRun | None = None) -> CaseRun:
    """Where an answer leads, settled by the same exactness rule as the determination, so
    that applying it to the case gives what it says."""
    return settle(*_answered_run(determiner, fact, value, first), ask=False).run


def _answered_run(determiner: Determiner, fact: str, value: Any,
                  first: CaseRun | None) -> tuple["_Answered", CaseRun]:
    """The determiner with an answer and the facts it leaves one admissible answer in place
    (`questions.answering`), and its first run. Where `first` (the determination's run) read
    the facts answered for no award (CaseRun.unread), the answer moves none: the run takes
    the awards from there (a search shortcut, searching.SHORTCUTS)."""
    answer = answering(determiner, fact, value)
    answered = _Answered(determiner, answer)
    taken = first if searching.SHORTCUTS and first is not None \
        and all(first.unread(f) for f in answer) else None
    return answered, answered.run(reasons=False, taken=taken)


def _read(group: Group, fact: str, value: Any) -> Any:
    domain = group.domains[fact]
    return domain.answer(value) if isinstance(domain, Scale) else value


def _noted(e: AwardEvaluation, note: str) -> AwardEvaluation:
    result = e.result.model_copy(update={"notes": e.result.notes + [note]})
    return AwardEvaluation(result, e.unknowns, e.recoverable, e.notes, e.bound)


def _settles(group: Group, i: int) -> bool:
    """Every combination decides the award, and the same way."""
    keys = [c.keys[i] for c in group.combinations]
    return keys[0][0] != "pending" and len({decision(k) for k in keys}) == 1


def _first(group: Group, i: int) -> Combination:
    """The combination a settled award is shown under, with its reasons: the first that
    reaches with the most remedies, so that each remedy any answer uses is shown with its
    range."""
    return max(group.combinations, key=lambda c: len(c.keys[i][2]))


def _shown(exact: Exact, group: Group, pending: list[int]) -> dict[int, AwardEvaluation]:
    """Each award the group settles, decided with its reasons under the combination it is
    shown under: those shown under the same combination in one run."""
    by_values: dict[tuple, list[int]] = {}
    for i in pending:
        if _settles(group, i):
            by_values.setdefault(_first(group, i).values, []).append(i)
    return {i: e for values, found in by_values.items()
            for i, e in exact.representatives(group, values, found).items()}


def _award(exact: Exact, group: Group, i: int, asked: list[str],
           chosen: AwardEvaluation | None) -> AwardEvaluation:
    """The award as the group settles it; `chosen`, where it settles it, is the award shown
    with its reasons (`_shown`)."""
    keys = [c.keys[i] for c in group.combinations]
    base = exact.run.awards[i]
    if chosen is not None:
        first = _first(group, i)
        remedies = chosen.result.remedies
        if len({k[2] for k in keys}) > 1:  # only the split between the remedies turns
            remedies = [_ranged(r, _reach(group, i, r.kind, r.up_to.unit), exact.run)
                        for r in remedies]
        notes = [f"not needed: {f} — every admissible answer gives the same result"
                 + (f" (the reasons shown take it as {exact.words(group, f, v)})"
                    if v is not ANY else "")
                 for f, v in zip(group.facts, first.values) if f not in asked
                 and not _one_answer(group, f)]
        if len({k[2] for k in keys}) > 1:
            notes.append("how the amount splits between the remedies turns on " + ", ".join(
                f"{f} (the reasons shown take it as {exact.words(group, f, v)})"
                for f, v in zip(group.facts, first.values) if f in asked)
                + ": each remedy shows what it can reach")
        result = chosen.result.model_copy(update={
            "remedies": remedies, "notes": chosen.result.notes + notes})
        return AwardEvaluation(result, [], chosen.recoverable, chosen.notes)
    moneys = [c.evaluation[i].recoverable for c in group.combinations]
    span = money_range(moneys) if all(m is not None for m in moneys) else None
    if span is not None and _unbounded(group, moneys):
        span = span.model_copy(update={"max": None})
    result = base.result.model_copy(update={"recoverable_range": span,
                                            "recoverable_compensation": None,
                                            "recoverable_rule":
                                                amountrule.unread(base.result.recoverable_rule)})
    return AwardEvaluation(result, base.unknowns, None, base.notes, base.bound)


def _ranged(remedy: Remedy, span: Range, run: CaseRun) -> Remedy:
    """A remedy whose reach turns on an open fact, with its range across the answers; where
    that moves, `up_to` is the most it can reach (never null: the contract's amount), and
    `because` is written as the case stands, the fact not known (never a value not given)."""
    if span.min == span.max:
        return remedy.model_copy(update={"up_to_range": span})
    why = remedy.__dict__["because"]
    if type(why) is Reason:  # the same words, read from the case without the answer
        env = Env(why.env.rules, why.env.award, dict(why.env.locals))
        why = Reason(why.kind, why.node, env, run.evaluator, why.before, why.after)
    ranged = remedy.model_copy(update={"up_to_range": span, "up_to": span.max or remedy.up_to,
                                       "because": ""})
    ranged.__dict__["because"] = why
    return ranged


def _unbounded(group: Group, moneys: list[Money]) -> bool:
    """Whether the most the combinations give is reached only where an amount is answered at
    the ceiling the search stops at, which no declaration bounds it by (Scale.open): the
    amount then grows with the answer without limit, and no most is stated."""
    def at_ceiling(c: Combination) -> bool:
        return any(isinstance(d, Scale) and d.open and v == d.hi
                   for d, v in ((group.domains[f], v) for f, v in zip(group.facts, c.values)))
    top = max(m.amount for m in moneys)
    return not any(m.amount == top and not at_ceiling(c)
                   for m, c in zip(moneys, group.combinations))


def _listed(exact: Exact, fact: str) -> Finite | None:
    """A fact's answers as its search lists them (questions.fallback_answers reads those in
    an order of their own, a text of a declared form, and a set's), or None."""
    domain = exact.domain(fact)
    return domain if isinstance(domain, Finite) else None


def _one_answer(group: Group, fact: str) -> bool:
    """A fact with one admissible answer (a record unknown as a whole): none is needed."""
    domain = group.domains[fact]
    return isinstance(domain, Finite) and len(domain.answers) == 1


def _reach(group: Group, i: int, kind: str, unit: str):
    """What one remedy reaches across the combinations (nothing where it reaches nothing)."""
    return money_range([
        next((Money(Decimal(m.up_to.amount), m.up_to.unit)
              for m in c.evaluation[i].result.remedies if m.kind == kind), Money(Decimal(0), unit))
        for c in group.combinations])


# ---------------------------------------------------------------- answers

def _state(settled: CaseRun, group: Group, combos: list[Combination], default_unit: str,
           answered: CaseRun | None = None) -> tuple[str, Any, list[tuple[str, Money | None]]]:
    """The case's outcome and totals where only these combinations remain. `answered`: the
    case's run with the answer in place, whose other amounts and case-level unknowns are
    the case's where the combinations do not settle them (the run's own may turn on it)."""
    awards = [(e.result.outcome, e.recoverable) for e in settled.awards]
    for i in group.awards:
        keys = {decision(c.keys[i]) for c in combos}
        if len(keys) == 1 and next(iter(keys))[0] != "pending":
            awards[i] = (combos[0].keys[i][0], combos[0].evaluation[i].recoverable)
        else:
            awards[i] = ("pending", None)
    others_known = {c.others for c in combos}
    base = answered if answered is not None else settled
    unsettled = bool(base.unknowns)
    others = [m for _, m in base.others]
    if len(group.awards) == len(settled.awards) and base.unknowns:
        unsettled = len(others_known) != 1 or None in others_known
        if not unsettled:
            others = [Money(a, u) for _, a, u in combos[0].others]
    outcome = case_outcome([o for o, _ in awards], others, unsettled)
    return outcome, case_totals(awards, others, default_unit), awards


def _result(settled: CaseRun, group: Group, sub: Group, j: int, asked: set[str],
            of_award: dict[int, list[str]], apart: set[str],
            answered: CaseRun | None = None) -> tuple:
    unit = settled.evaluator.vocabulary.default_unit
    combos = sub.combinations
    outcome, totals, awards = _state(settled, group, combos, unit, answered)
    pending_on = None
    if outcome == "pending" or any(awards[i][0] == "pending" for i in group.awards):
        pending_on = [f for f in that_matter(sub) if f != group.facts[j]] or None
    if outcome == "pending":
        pending_on = _elsewhere(settled, group, combos, pending_on or [], asked, of_award,
                                (apart, group.facts[j])) or None
    total = totals if outcome == "recovery" else None
    # The outcome of each undecided award the answer settles otherwise than the case's
    # outcome says (one award covered but not recovered while another is recovered).
    settles = tuple((str(settled.awards[i].result.id), awards[i][0]) for i in group.awards
                    if settled.awards[i].result.outcome == "pending"
                    and awards[i][0] != outcome)
    return outcome, total, pending_on, settles or None


def _elsewhere(settled: CaseRun, group: Group, combos: list[Combination], found: list[str],
               asked: set[str], of_award: dict[int, list[str]], shared: tuple) -> list[str]:
    """What a pending case turns on besides the group's facts, of those the determination
    asks (`asked`): the facts each pending award outside the group is asked on (`of_award`, by
    its own group: an answer here cannot move it, so it stays pending on all of them, not
    only on the unknowns its first run stopped at), the case-level facts the group does not
    search, and those it left unknown (Group.unlisted) where the other amounts stay
    unsettled."""
    outside = [f for k, e in enumerate(settled.awards)
               if k not in group.awards and e.result.outcome == "pending"
               for f in of_award.get(k, [f for u in e.unknowns for f in u.facts])]
    case = [f for u in settled.unknowns for f in u.facts]
    unlisted = group.unlisted if any(c.others is None for c in combos) else []
    # A fact of the group an award outside it is asked on too is one they share and ask
    # alone (Exact.apart): the answer here leaves that award on it still.
    apart, answered = shared
    return list(dict.fromkeys([*found, *(f for f in outside if f in apart and f != answered),
                               *(f for f in [*outside, *case, *unlisted]
                                 if f not in group.facts and f in asked)]))


def _splitting(settled: CaseRun, group: Group) -> list[tuple[int, list[str]]]:
    """The awards of the group decided but for the split between their remedies, each with
    the remedies it shows."""
    return [(i, [r.kind for r in settled.awards[i].result.remedies]) for i in group.awards
            if settled.awards[i].result.outcome != "pending"
            and len({c.keys[i][2] for c in group.combinations}) > 1]


def _split(settled: CaseRun, combos: list[Combination],
           splitting: list[tuple[int, list[str]]]) -> tuple:
    """What each remedy of those awards reaches where only these combinations remain: the
    least and the most, (award, remedy, least, most, unit)."""
    found = []
    for i, kinds in splitting:
        result = settled.awards[i].result
        for kind in kinds:
            unit = next((r.up_to or r.up_to_range.min).unit for r in result.remedies
                        if r.kind == kind)
            reach = [next((Decimal(m.up_to.amount) for m in c.evaluation[i].result.remedies
                           if m.kind == kind), Decimal(0)) for c in combos]
            found.append((str(result.id), kind, min(reach), max(reach), unit))
    return tuple(found)


def _spread(first: tuple, last: tuple) -> tuple:
    """The splits of an interval's two ends, as one (a remedy moves monotonely within it)."""
    return tuple((a, k, min(lo, lo2), max(hi, hi2), u)
                 for (a, k, lo, hi, u), (_, _, lo2, hi2, _) in zip(first, last))


def _splits(split: tuple) -> list[Split] | None:
    found = [Split(award=a, remedy=k, up_to=amount(Money(lo, u))) if lo == hi else
             Split(award=a, remedy=k, up_to_range=Range(min=amount(Money(lo, u)),
                                                        max=amount(Money(hi, u))))
             for a, k, lo, hi, u in split]
    return found or None


def _answers(settled: CaseRun, group: Group, j: int, exact: Exact, asked: set[str],
             of_award: dict[int, list[str]]) -> list[Answer]:
    fact = group.facts[j]
    domain = group.domains[fact]
    found: list[tuple[Any, tuple, Any]] = []
    splitting = _splitting(settled, group)

    def result(value: Any) -> tuple:
        sub = group.where(j, value)
        # The answer may make the case's other amounts known (a revision taking one in).
        answered = exact.determiner.run(answering(exact.determiner, fact, _read(
            group, fact, value)), reasons=False, reuse=exact.run) if settled.unknowns else None
        return _result(settled, group, sub, j, asked, of_award, exact.apart, answered) + (
            _split(settled, sub.combinations, splitting),)
    if isinstance(domain, Scale):
        # Each interval between thresholds: its two ends, which bound what it gives (an
        # amount moves monotonely between them: one path, or min, max, sums of two answers).
        spans: list[tuple[Any, Any, list[tuple]]] = []  # each with every end it joins
        for a, b in group.tracker.points(fact, said=True):
            ends = [result(a), result(b)] if group.tracker.at_ends(fact) else [result(a)] * 2
            if spans and _joins(spans[-1], ends, (a == b or spans[-1][0] == spans[-1][1])
                                and group.tracker.noted(fact, a)):
                spans[-1] = (spans[-1][0], b, spans[-1][2] + ends)
            else:
                spans.append((a, b, ends))
        for a, b, seen in spans:
            words, first, last = _interval(a, b, domain), seen[0], seen[-1]
            split = functools.reduce(_spread, (r[4] for r in seen))
            if first == last:
                found.append((words, first, None))
            elif first[:4] == last[:4]:  # only the split moves with the answer
                found.append((words, first[:4] + (split,), None))
            elif first[0] == last[0] and first[2] == last[2] and first[3] == last[3]:
                # The amount moves with the answer (what it stays pending on, the same).
                span = money_range([m for r in seen if r[1] for m in r[1]])
                if span is not None and b == domain.hi and domain.open and \
                        last[1] != first[1]:  # it grows with the answer, which has no most
                    span = span.model_copy(update={"max": None})
                found.append((words, (first[0], None, first[2], first[3], split), (span,)))
            else:  # only where the outcome, or what it is pending on, moves
                found.append((f"{words} (at {show_point(a, domain)})", first, None))
                found.append((f"{words} (at {show_point(b, domain)})", last, None))
    else:
        by_result = labelled_runs(
            ((_freeze(result(value)), label)
             for value, label in domain.answers), domain.ordered)
        for result, labels in by_result.items():
            label = labels[0] if len(labels) == 1 else labels
            found.append((label, result, None))
    return [Answer(**{"if": words}, outcome=outcome,
                   recoverable=total_field(list(total)) if total is not None else None,
                   recoverable_depends_on_answer=True if span is not None else None,
                   recoverable_range=span[0] if span is not None else None,
                   pending_on=list(pending_on) if pending_on else None,
                   awards=dict(settles) if settles else None, split=_splits(split))
            for words, (outcome, total, pending_on, settles, split), span in found]


def _joins(span: tuple, ends: list[tuple], point: bool) -> bool:
    """An interval continues the one before it where both give one result throughout, or the
    same outcome, pending on the same facts (or none), and the amount moves in both or stands
    the same in both; one of one answer joins one it moves in across a `point` noted only
    by a comparison with another fact (Tracker.noted)."""
    first, last = span[2][0], span[2][-1]
    if first == last == ends[0] == ends[1]:
        return True  # one result throughout, pending on the same facts included
    if not first[2] == last[2] == ends[0][2] == ends[1][2] or first[0] != ends[0][0] \
            or last[0] != ends[1][0] or first[3] != ends[0][3] or last[3] != ends[1][3]:
        return False
    if point and any(x[0] == y[0] and x[1] != y[1] for x, y in ((first, last), ends)):
        return True
    if first == last and ends[0] == ends[1]:
        return last == ends[0]
    # Intervals in which only the split moves stay apart: each answer says how it splits.
    return first[:4] != last[:4] and ends[0][:4] != ends[1][:4]


def _freeze(result: tuple) -> tuple:
    outcome, total, pending_on, settles, split = result
    return (outcome, tuple(total) if total is not None else None,
            tuple(pending_on) if pending_on else None, settles, split)
