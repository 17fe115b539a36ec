"""The content of the memo a lawyer reads, built once and laid out as text, Markdown or HTML:
a header that names the participant, the policy and the date; the outcome; a summary table of
the awards; one line for each award without recovery, with the reason that decided it; the
conditions and the recovery arithmetic of each award with recovery or pending; the open
questions as a table of answers; each note once. How much of the reasoning it shows is its
detail level (`check --explain`): `full`, every condition with its reason and quotation;
`summary`, the conditions that hold as one line each and the others in full; `fails`, only
the conditions that do not hold or are not known."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from clawpolicy.core.source import visible
from clawpolicy.core.values import format_money
from clawpolicy.evaluate.determination import Amount, AwardResult, Determination
from clawpolicy.render import assumed
from clawpolicy.vocabulary.declarations import SUMMARY

OUTCOME_WORDS = {
    "recovery": "RECOVERY",
    "no_recovery": "NO RECOVERY",
    "pending": "PENDING",
    "not_covered": "NOT COVERED",
}
STATUS_WORDS = {"met": "met", "not_met": "not met", "unknown": "unknown",
                "not_applicable": "n/a"}
LEVELS = ("full", "summary", "fails")
SETTLED = ("not_covered", "no_recovery")  # outcomes shown as one line each


@dataclass
class Item:
    """A line of the memo, with lines that explain it beneath, and the words of the policy it
    cites: `quote` and where it comes from (`source`: the policy, or a revision)."""

    text: str
    details: list[str] = field(default_factory=list)
    quote: str | None = None
    source: str = "policy"
    brief: bool = False  # shown as its line alone: the quotation only links it to its words
    award: str | None = None  # the award a line without recovery is about


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]


@dataclass
class AwardPart:
    """An award with recovery or pending: its outcome, arithmetic, remedies and conditions."""

    id: str
    outcome: str
    arithmetic: Table | None
    items: list[Item]


@dataclass
class Memo:
    title: str
    header: list[tuple[str, str]]
    outcome: str
    summary: Table
    settled: list[Item]
    awards: list[AwardPart]
    others: Table | None
    questions: Table | None
    notes: list[Item]
    deciding: list[Item] = field(default_factory=list)  # the reasons that decided the case


def money(amount: Amount | list[Amount] | None) -> str:
    if amount is None:
        return "not known yet"
    amounts = amount if isinstance(amount, list) else [amount]
    return " and ".join(format_money(Decimal(a.amount), a.unit) for a in amounts)


def _fact_money(value: str | None, unit: str | None) -> str:
    return format_money(Decimal(value), unit or "") if value is not None else "not known"


def words(value: str | None) -> str:
    """A name as a reader reads it: `stock_sales` → stock sales."""
    return value.replace("_", " ") if value else "not known"


def said(value: str | None, vocabulary=None) -> str:
    """A word of an enumeration of the case's vocabulary (the shipped one where none is given)
    as a reader reads it: its label where the vocabulary gives one (`section16_officer` →
    Section 16 officer), else the word in words (`cash_incentive` → cash incentive)."""
    return _vocabulary(vocabulary).word(value) if value else "not known"


def _vocabulary(vocabulary):
    """The vocabulary given, else the shipped one."""
    if vocabulary is not None:
        return vocabulary
    from clawpolicy import vocabulary as vocabularies

    return vocabularies.load()


def build(d: Determination, level: str = "summary", vocabulary=None) -> Memo:
    """The memo of `d`, in the words of `vocabulary`: the one the policy was checked against
    (its labels, its `[roles.summary]`); the shipped one where none is given."""
    vocabulary = _vocabulary(vocabulary)
    p = d.participant
    who = p.name or p.id or f"case {d.case_id}"
    title = f"Determination for {who}" + (f" ({p.id})" if p.name and p.id else "")
    mark = assumed.supplied(d, vocabulary)
    header = [("Participant", _participant(p, vocabulary, mark))]
    if p.roles or p.standing or p.titles:
        header.append(("Roles", _roles(p, vocabulary, mark)))
    header.append(("Case", d.case_id + (f": {d.title}" if d.title else "")))
    header.append(("Policy", ", ".join([d.policy.name, *_version(d.policy),
                                        f"sha256 {d.policy.sha256[:12]}"])))
    if d.revisions_applied:
        header.append(("Revisions applied", "; ".join(
            f"{r.id} ({r.because})" for r in d.revisions_applied)))
    header.append(("As of", d.as_of))
    outcome = OUTCOME_WORDS[d.outcome]
    if d.outcome == "recovery":
        outcome += f", {money(d.total_recoverable)} recoverable" + _parts(d)
    for label, total in (("Excused", d.total_excused), ("Recovered already", d.total_recovered),
                         ("Outstanding", d.total_outstanding)):
        if total is not None:
            header.append((label, money(total)))
    memo = Memo(title, header, outcome, _summary(d, vocabulary), [], [], None, None, _notes(d))
    for a in d.awards:
        if a.outcome in SETTLED:
            memo.settled.append(_settled(a))
            memo.deciding.append(memo.settled[-1])
        else:
            memo.awards.append(_award(a, level))
            # Whatever the detail level, every condition that holds or is open decided it.
            memo.deciding += [Item(c.id, quote=c.quote, source=c.source)
                              for c in a.conditions if c.status != "not_applicable"]
            memo.deciding += [Item(r.kind, quote=r.quote, source=r.source) for r in a.remedies]
            if a.excused is not None:
                memo.deciding.append(Item(a.excused.exception, quote=a.excused.quote or None,
                                          source=a.excused.source))
    if d.other_recoverable:
        memo.others = Table(["Source", "Amount", "Rule", "Because"], [
            [place(o.source), money(o.amount),
             o.rule + (f" of {o.revision}" if o.revision != "policy" else "")
             + (f": {o.clause}" if o.clause else ""), o.because]
            for o in d.other_recoverable])
    if d.open_questions:
        memo.questions = Table(["Question", "Fact", "If the answer is", "It leads to"], [
            # The question and its fact once, on the row of its first answer.
            [q.question if i == 0 else "", q.fact if i == 0 else "",
             answer_word(a.if_) if a else "any", _leads_to(a)]
            for q in d.open_questions for i, a in enumerate(q.answers or [None])])
    if d.assumptions:
        assumed.mark_assumed(d, memo, vocabulary)
    _make_visible(memo)
    return memo


# The keys of the vocabulary's `[roles.summary]`: the fields of the determination's participant.
_ID, _NAME, _ROLES, _TITLES, _STANDING = SUMMARY


def _participant(p, vocabulary, mark) -> str:
    """Who: the name and the id, each marked where an assumption supplied it."""
    summary = dict(vocabulary.roles.summary)
    return (f"{p.name}{mark(summary.get(_NAME, ''), p.name)}" if p.name else "not named") \
        + (f", id {p.id}{mark(summary.get(_ID, ''), p.id)}" if p.id else ", id not given")


def _roles(p, vocabulary, mark) -> str:
    """The roles, then what the case records of the standing the vocabulary declares (a flag
    by its label, `: no` where false, left out where it is one of the roles already; a role's
    level as `vice president level`), in the vocabulary's words, each marked where an
    assumption supplied it; then the titles."""
    summary = dict(vocabulary.roles.summary)

    def marked(path: str, values: list[str], shown) -> list[str]:
        """Each value shown, marked by the item of the case's list it was read from."""
        items = p.items_at(path) or []
        return [shown(v) + mark(path, v, items[i] if i < len(items) else None)
                for i, v in enumerate(values)]

    named = marked(summary.get(_ROLES, ""), p.roles or [], vocabulary.word)
    for s in p.standing or []:
        if isinstance(s.value, bool):
            if not (s.value is True and s.fact in (p.roles or [])):
                named.append((s.label if s.value else f"{s.label}: no") + mark(s.fact, s.value))
        else:
            named.append(", ".join(marked(s.fact, s.value,
                                          lambda v, s=s: f"{vocabulary.word(v)} {s.label}")))
    titles = ", ".join(marked(summary.get(_TITLES, ""), p.titles or [], str))
    return ("; ".join(named) or "none") + (f" (titles: {titles})" if titles else "")


def _make_visible(memo: Memo) -> None:
    """Every text of the memo a case can supply (names, titles, ids, reasons that quote the
    case's values) with its control characters shown as escapes (`core.source.visible`), in
    every layout: a name `"Jordan\\n\\nOutcome: NO RECOVERY"` cannot forge a line of the
    memo, nor an escape sequence move the cursor. The quotations are the policy's words (the
    HTML memo finds them in its source as they are); an award's id is its key, shown through
    `visible` where a layout shows it."""
    def table(t: Table | None) -> None:
        if t is not None:
            t.columns = [visible(c) for c in t.columns]
            t.rows = [[visible(c) for c in row] for row in t.rows]

    memo.title, memo.outcome = visible(memo.title), visible(memo.outcome)
    memo.header = [(label, visible(value)) for label, value in memo.header]
    for t in (memo.summary, memo.others, memo.questions):
        table(t)
    for part in memo.awards:
        part.outcome = visible(part.outcome)
        table(part.arithmetic)
    for item in {id(i): i for i in [*memo.settled, *memo.notes, *memo.deciding,
                                    *(i for part in memo.awards for i in part.items)]}.values():
        item.text, item.details = visible(item.text), [visible(x) for x in item.details]


def _parts(d: Determination) -> str:
    """Where amounts that are not awards (`other` rules: profits on sales of stock, say) are
    part of the total: how much comes from the awards and how much from those."""
    if not d.other_recoverable:
        return ""
    totals: dict[str, list[Decimal]] = {}
    for a in d.awards:
        if a.outcome == "recovery" and a.recoverable is not None:
            totals.setdefault(a.recoverable.unit, [Decimal(0), Decimal(0)])[0] += \
                Decimal(a.recoverable.amount)
    for o in d.other_recoverable:
        totals.setdefault(o.amount.unit, [Decimal(0), Decimal(0)])[1] += Decimal(o.amount.amount)
    return " (" + "; ".join(
        f"{format_money(awards, unit)} from the awards and {format_money(others, unit)} "
        "from the other amounts below" for unit, (awards, others) in totals.items()) + ")"


def _version(policy) -> list[str]:
    """Which version of the policy: adopted when and by whom, effective when."""
    adopted = (f"adopted {policy.adopted_on}" if policy.adopted_on else "") + \
        (f" by {policy.adopted_by}" if policy.adopted_by else "")
    effective = f"effective {policy.effective}" if policy.effective else ""
    return [part.strip() for part in (adopted, effective) if part]


def place(path: str) -> str:
    """An item of a list of the case as a reason names it: `stock_sales[1]` → stock sales,
    item 2 (numbered from one, as a reader counts)."""
    found = re.fullmatch(r"(\w+)\[(\d+)\]", path)
    return f"{words(found[1])}, item {int(found[2]) + 1}" if found else path


def _summary(d: Determination, vocabulary) -> Table:
    rows = []
    for a in d.awards:
        f = a.facts
        received = f.receipt_date or "not known"
        if f.attainment_date and f.attainment_date != f.receipt_date:
            received += f" / attained {f.attainment_date}"
        recoverable = "none" if a.outcome in SETTLED else money(a.recoverable) \
            if a.recoverable is not None else (
            _span(a.recoverable_range, "{} to {}")
            if a.recoverable_range is not None else "not known yet"
            if a.outcome == "pending" else "none")
        remedies = "; ".join(f"{r.kind} ({r.modality}) {_reach(r)}" for r in a.remedies)
        rows.append([a.id, said(f.kind, vocabulary), f.grant_date or "not known", received,
                     OUTCOME_WORDS[a.outcome].lower(), recoverable,
                     remedies or ("not decided yet" if a.outcome == "pending" else "none")])
    return Table(["Award", "Kind", "Granted", "Received", "Outcome", "Recoverable",
                  "Remedies"], rows)


def _settled(a: AwardResult) -> Item:
    """One line: the award, its outcome and the condition that decided it."""
    deciding = next((c for c in a.conditions if c.status == "not_met"), None)
    text = f"{a.id}: {OUTCOME_WORDS[a.outcome].lower()}"
    if deciding is None:  # decided by an exception that excuses it all, or as a note says
        note, excused = _deciding_note(a), a.excused
        return Item(text + (f", because {note}" if note else ""), award=a.id,
                    quote=excused.quote or None if excused else None,
                    source=excused.source if excused else "policy", brief=True)
    return Item(f"{text}, {deciding.clause} ({deciding.id}) not met: {deciding.because}",
                quote=deciding.quote, source=deciding.source, brief=True, award=a.id)


def _deciding_note(a: AwardResult) -> str | None:
    """The note that says why an award whose conditions all hold recovers nothing: the one
    the engine recorded as deciding its amount (an exception that excuses all of it, remedies
    that reach none of it, an amount of nothing), not a note that happens to come first (that
    a revision does not reach the award, say); the first where it recorded none."""
    if not a.notes:
        return None
    return a.decided_by() or a.notes[0]


def _arithmetic(a: AwardResult) -> Table:
    """Awarded → the facts the amount's rule read → the amount, headed by the policy's term
    for it → paid and unpaid → the remedies. Where the determination does not say what the
    rule read (no amount computed yet), every recorded amount is listed."""
    f, unit, rule = a.facts, a.facts.unit, a.recoverable_rule
    read = rule is not None and rule.reads is not None
    reads = rule.reads if read else ["awarded", "as_restated", "paid"]
    rows = [["Awarded", _fact_money(f.awarded, unit)]]
    if "as_restated" in reads:
        rows.append(["As restated", _fact_money(f.as_restated, unit)
                     + (" (an estimate)" if f.estimate else "")])
    paid = ["Paid", _fact_money(f.paid, unit)]
    if read and "paid" in reads:
        rows.append(paid)  # read by the amount: before it
    rows.append([amount_label(rule), money(a.recoverable_compensation)
                 if a.recoverable_compensation is not None and a.outcome != "pending"
                 else "not known yet"])
    if a.excused is not None:  # taken off the amount before the remedies reach it
        rows.append([f"Excused under {a.excused.exception}", money(a.excused)])
    if not read or "paid" not in reads:
        rows.append(paid)
    rows.append(["Unpaid", _fact_money(f.unpaid, unit)])
    rows += [[f"{r.kind.capitalize()} ({r.modality})", _reach(r)] for r in a.remedies]
    return Table(["Step", "Amount"], rows)


def amount_label(rule) -> str:
    """The policy's term for the recoverable amount: the drafter's `label` with the heading of
    the clause it cites (before its first colon), else the rule's name in words with the
    whole clause; the term alone where the clause ends with it, in the clause's own spelling
    (`Recovery: Recoverable Compensation` → Recoverable Compensation)."""
    if rule is None:
        return "Recoverable amount"
    term = rule.label or words(rule.name)
    clause = rule.clause.split(": ")[0] if rule.label else rule.clause
    if rule.clause.lower().endswith(term.lower()):
        term, clause = rule.clause[len(rule.clause) - len(term):], ""
    term = term[:1].upper() + term[1:]
    return f"{term} ({clause})" if clause else term


def _span(span, both: str = "between {} and {}") -> str:
    """A range of amounts in words; one with no most (it grows with the answer without
    limit) as the least it starts from."""
    if span.max is None:
        return f"at least {money(span.min)} (no upper bound)"
    return both.format(money(span.min), money(span.max))


def _reach(r) -> str:
    """What a remedy reaches: its range where how the amount splits is not known."""
    return f"{money(r.up_to_range.min)} to {money(r.up_to_range.max)}" if r.up_to_range \
        else money(r.up_to)


def _award(a: AwardResult, level: str) -> AwardPart:
    line = OUTCOME_WORDS[a.outcome].lower()
    if a.outcome == "recovery":
        line += f", {money(a.recoverable)} recoverable"
    if a.outcome == "pending" and a.recoverable_range is not None:
        line += (f", {_span(a.recoverable_range)} recoverable depending on the open facts")
    items = [Item(f"Remedy {r.kind} ({r.modality}): up to "
                  + (f"between {money(r.up_to_range.min)} and {money(r.up_to_range.max)}, "
                     "depending on the open facts" if r.up_to_range else money(r.up_to)),
                  [f"because {r.because}", f"{r.clause} ({_source(r.source)})"]
                  + ([f"made {r.modality} by {r.modality_from}"] if r.modality_from else [])
                  + ([f"only {r.enforced_by} can enforce it"] if r.enforced_by else []),
                  r.quote, r.source) for r in a.remedies]
    for c in a.conditions:
        holds = c.status in ("met", "not_applicable")
        if level == "fails" and holds:
            continue
        text = f"[{STATUS_WORDS[c.status]}] {c.clause}: {c.id}" \
            + (f" (in place of {c.replaces})" if c.replaces else "")
        if level == "summary" and holds:
            items.append(Item(text, quote=c.quote, source=c.source, brief=True))
        else:
            items.append(Item(text, [f"because {c.because}", _source(c.source)], c.quote,
                              c.source))
    if a.excused is not None:  # its words link to the sentence of the exception relied on
        items.insert(0, Item(f"Excused: {money(a.excused)} under {a.excused.exception}",
                             [a.excused.clause], a.excused.quote or None, a.excused.source))
    if a.recovered is not None:
        items.insert(0, Item(f"Recovered already: {money(a.recovered)}; outstanding: "
                             f"{money(a.outstanding)}"))
    return AwardPart(a.id, line, _arithmetic(a), items)


def _source(source: str) -> str:
    return "from the policy" if source == "policy" else f"from revision {source}"


def _notes(d: Determination) -> list[Item]:
    """Each note once, with the awards it concerns; not for an award whose line without
    recovery gives it already as the reason that decided it (`_settled`)."""
    told = {(a.id, _deciding_note(a)) for a in d.awards if a.outcome in SETTLED and a.notes
            and not any(c.status == "not_met" for c in a.conditions)}
    found: dict[str, list[str]] = {}
    cites: dict[str, str] = {}
    for a in d.awards:
        for n in a.notes:
            if (a.id, n) not in told:
                found.setdefault(n, []).append(a.id)
    for n in d.notes:
        if (n.award, n.text) in told:
            continue
        found.setdefault(n.text, []).extend([n.award] if n.award else [])
        if n.rule:
            cites[n.text] = f"{n.clause} ({n.rule})"
    return [Item((f"{', '.join(dict.fromkeys(awards))}: " if awards else "") + text,
                 [cites[text]] if text in cites else [])
            for text, awards in found.items()]


def _leads_to(a) -> str:
    if a is None:
        return "the answer decides the outcome"
    return (OUTCOME_WORDS[a.outcome].lower()
            + (f", {money(a.recoverable)}" if a.recoverable is not None else "")
            + (f", {_span(a.recoverable_range)} depending on the answer"
               if a.recoverable_range is not None else
               ", of an amount that depends on the answer"
               if a.recoverable_depends_on_answer else "")
            + (f", on {' and '.join(a.pending_on)}" if a.pending_on else "")
            + "".join(f"; award {award}: {OUTCOME_WORDS[o].lower()}"
                      for award, o in (a.awards or {}).items())
            + _split_words(a.split or []))


def _split_words(split) -> str:
    """How an answer splits an award's amount between its remedies."""
    awards: dict[str, list[str]] = {}
    for x in split:
        awards.setdefault(x.award, []).append(
            f"{x.remedy} up to {money(x.up_to)}" if x.up_to is not None else
            f"{x.remedy} up to {money(x.up_to_range.min)} to {money(x.up_to_range.max)} "
            "with the answer")
    return "".join(f"; {award}: {', '.join(parts)}" for award, parts in awards.items())


def answer_word(value) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value == []:
        return "none"
    if isinstance(value, list):  # values that lead to the same result
        words = [answer_word(v) for v in value]
        return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]
    if isinstance(value, dict):  # a list's one item, by the fields an answer gives it
        return "one with " + ", ".join(f"{k} {answer_word(v)}" for k, v in value.items())
    return str(value)
