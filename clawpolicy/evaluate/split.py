"""A group past the bound, settled award by award: each award's own search, and, where the
determination asks, their combinations joined.

A group is made of the awards that share an open fact (exact.Exact.groups), and its search
answers every fact any of them reads, together: the combinations multiply. Past the bound
(exact.BOUND) the awards were left as the facts known decide them. But an award's result
turns only on the facts it reads, and a search of that award alone answers every one of
them (it answers each fact its runs stop at): its combinations settle it exactly, at the
cost of its own facts' answers, not of the product over the group's awards.

For the open questions, the awards' combinations are joined: each combination of the joined
group is one of each award's, where they agree on the facts they both answer (a fact one
leaves unanswered stands for every answer, so it agrees with any). The combinations of one
award cover every answer to its facts, without overlap; so do the joined ones for the
group's, and each gives every award what that award's own combination gives. The joined
group is then what the group's search would have found (its combinations cut otherwise,
what they give the same), without a run of its own.

Whether a fact matters (differ.matters) is read from the awards' own combinations (Group.parts):
two joined combinations that differ in a fact alone give different results exactly where one
award's two combinations, differing in it alone, give that award different results. So too
for an answer's combinations, each award's kept where they keep the answer (Group.where).

This holds where the case's other amounts (outside the awards) are known whatever the
answers, so that no combination moves them (otherwise the group stays past the bound), and
where no amount or date is answered by two of the awards' searches at different thresholds
(their answers would not line up). Where they are, where an award's own search passes the
bound too, or where the joined combinations number more than JOINED, the awards stay apart:
each is settled by its own search (or left as the facts known decide it, past its own bound),
and the facts they share are asked alone (Exact.apart), as a fact past the bound is."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clawpolicy.evaluate.exact import ANY, Combination, Group, _merge
from clawpolicy.evaluate.expressions import EvaluationError
from clawpolicy.evaluate.questions import admissible
from clawpolicy.evaluate.tracking import Scale, Tracker

if TYPE_CHECKING:
    from clawpolicy.evaluate.exact import Exact

# At most this many joined combinations (made from the awards' own, without a run each).
JOINED = 4096


def split(exact: "Exact", group: Group) -> list[Group]:
    """The group, or in its place what settles its awards one by one (see the module's
    text): for the determination's own search, the joined group; for an answer's, which
    reads only how each award is settled, each award's own group."""
    if not group.overflow or not splits(exact, group):
        return [group]
    own = each(exact, group)
    if own is None:
        return [group]
    if not exact.asking:
        return own
    searched = [sub for sub in own if sub.combinations]
    if not searched:
        return [group]
    joined = _joined(exact, searched) if len(searched) > 1 else searched[0]
    found = [joined] if joined is not None else searched
    found += [sub for sub in own if not sub.combinations]
    # Where the awards stay apart (one's own search past its bound too, their joined
    # combinations too many, or a date they share cut at different points), each is settled
    # by its own search, or left as the facts known decide it, and the facts they share are
    # asked alone (Exact.apart).
    for x, a in enumerate(found):
        for b in found[x + 1:]:
            exact.apart.update(set(a.facts + a.cited) & set(b.facts + b.cited))
    return found


def splits(exact: "Exact", group: Group) -> bool:
    """Whether a group past the bound has its awards settled one by one: several awards, and
    the case's other amounts known whatever the answers."""
    return len(group.awards) > 1 and not exact.run.unknowns


def each(exact: "Exact", group: Group) -> list[Group] | None:
    """Each award of the group searched alone; None where one's evaluation fails."""
    own = []
    for i in group.awards:
        sub = Group([i], [], cited=_merge(*(u.facts for u in exact.run.awards[i].unknowns)),
                    alone=True)
        try:
            exact.enumerate(sub)
        except EvaluationError:
            # An answer in the award's own order of facts at which its evaluation fails (a
            # date the policy moves out of the calendar), which the group's order, deciding
            # the award first by another fact, does not reach: the group stays as it is.
            return None
        own.append(sub)
    return own


def _joined(exact: "Exact", own: list[Group]) -> Group | None:
    facts = _merge(*(sub.facts for sub in own))
    domains: dict[str, Any] = {}
    thresholds: dict[str, list[int]] = {}
    scales: dict[str, Scale] = {}
    for sub in own:
        for fact, domain in sub.domains.items():
            if isinstance(domain, Scale):
                found = sub.tracker.thresholds.get(fact, [])
                if fact in scales and thresholds[fact] != found:
                    return None  # answered at other points by another award's search
                scales[fact], thresholds[fact] = domain, list(found)
            domains.setdefault(fact, domain)
    related = set().union(*(sub.tracker.related for sub in own))
    if any(sub.tracker.related != related & set(sub.domains) for sub in own):
        return None  # a date compared with another (its last day tried) by one search alone
    rows: list[tuple[dict, dict[int, Combination]]] = [({}, {})]
    for sub in own:
        try:
            rows = _grown(rows, sub)
        except TypeError:  # an answer that cannot be hashed: the awards stay apart
            return None
        if rows is None:
            return None
    awards = sorted(sub.awards[0] for sub in own)
    tracker = Tracker(scales, thresholds=thresholds, given=own[0].tracker.given)
    for sub in own:  # dates compared with each other (tracking.Tracker.related)
        for fact in sub.tracker.related:
            mine = tracker.step.setdefault(fact, {})
            for cut, step in sub.tracker.step[fact].items():
                mine[cut] = min(step, mine.get(cut, step))
        tracker.related |= sub.tracker.related
    joined = Group(awards, facts, domains, tracker, cited=_merge(*(sub.cited for sub in own)),
                   unlisted=_merge(*(sub.unlisted for sub in own)))
    for sub in own:
        for fact, alike in sub.alike.items():
            joined.alike.setdefault(fact, alike)
    determiner = exact.determiner
    for assigned, parts in rows:
        if not all(admissible(determiner, assigned, f) for f in assigned):
            continue
        joined.combinations.append(Combination(
            tuple(assigned.get(f, ANY) for f in facts),
            {i: parts[i].keys[i] for i in awards}, parts[awards[0]].others,
            {i: parts[i].evaluation[i] for i in awards}))
    if len(joined.combinations) == len(rows):
        # Each award's own combinations: whether a fact matters, found from them
        # (differ.matters), where no constraint of the vocabulary left a joined one out.
        joined.parts = list(own)
    return joined


def _grown(rows: list[tuple[dict, dict]], sub: Group) -> list[tuple[dict, dict]] | None:
    """The rows joined with each of one award's combinations they agree with; None past
    JOINED. The award's combinations are put in buckets by which facts they answer and,
    for each set of those a row answers too, by their answers to them."""
    by_mask: dict[tuple, list[tuple[dict, Combination]]] = {}
    for c in sub.combinations:
        answers = {f: v for f, v in zip(sub.facts, c.values) if v is not ANY}
        by_mask.setdefault(tuple(answers), []).append((answers, c))
    buckets: dict[tuple, dict[tuple, list]] = {}
    grown = []
    award = sub.awards[0]
    for assigned, parts in rows:
        for mask, leaves in by_mask.items():
            shared = tuple(f for f in mask if f in assigned)
            index = buckets.get((mask, shared))
            if index is None:
                index = buckets[(mask, shared)] = {}
                for answers, c in leaves:
                    index.setdefault(tuple(answers[f] for f in shared), []).append((answers, c))
            for answers, c in index.get(tuple(assigned[f] for f in shared), ()):
                grown.append(({**assigned, **answers}, {**parts, award: c}))
            if len(grown) > JOINED:
                return None
    return grown
