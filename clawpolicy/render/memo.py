"""The content of the memo a lawyer reads: outcome and amount first, then each award's
remedies and conditions with the facts behind them and the quoted clause, then the open
questions and notes. Laid out as text or Markdown by `layout`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from clawpolicy.evaluate.determination import Amount, Determination
from clawpolicy.core.values import format_money

OUTCOME_WORDS = {
    "recovery": "RECOVERY",
    "no_recovery": "NO RECOVERY",
    "pending": "PENDING",
    "not_covered": "NOT COVERED",
}
STATUS_WORDS = {"met": "met", "not_met": "not met", "unknown": "unknown",
                "not_applicable": "n/a"}


@dataclass
class Item:
    """A line of the memo, with lines that explain it beneath."""

    text: str
    details: list[str] = field(default_factory=list)
    quote: str | None = None


@dataclass
class Section:
    title: str
    intro: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)


def money(amount: Amount | list[Amount] | None) -> str:
    if amount is None:
        return "not known yet"
    amounts = amount if isinstance(amount, list) else [amount]
    return " and ".join(format_money(Decimal(a.amount), a.unit) for a in amounts)


def build(d: Determination) -> tuple[str, list[str], list[Section]]:
    title = f"Determination for case {d.case_id}"
    header = []
    if d.title:
        header.append(d.title)
    header += [f"Policy: {d.policy.name} (sha256 {d.policy.sha256[:12]})",
               f"As of: {d.as_of}"]
    outcome = f"Outcome: {OUTCOME_WORDS[d.outcome]}"
    if d.outcome == "recovery":
        outcome += f", {money(d.total_recoverable)} recoverable"
    header += ["", outcome]
    for label, total in (("Excused", d.total_excused), ("Recovered already", d.total_recovered),
                         ("Outstanding", d.total_outstanding)):
        if total is not None:
            header.append(f"{label}: {money(total)}")
    if d.revisions_applied:
        header.append("Revisions applied: " + "; ".join(
            f"{r.id} ({r.because})" for r in d.revisions_applied))
    sections = [_award(a) for a in d.awards]
    if d.other_recoverable:
        sections.append(Section("Other amounts recoverable", items=[
            Item(f"{o.source}: {money(o.amount)}",
                 [f"rule {o.rule}" + (f" of {o.revision}" if o.revision != "policy" else "")
                  + (f": {o.clause}" if o.clause else "")]
                 + ([f"because {o.because}"] if o.because else []))
            for o in d.other_recoverable]))
    if d.open_questions:
        sections.append(Section("Open questions", items=[
            Item(f"{q.question} ({q.fact})",
                 [f"if {_answer_word(a.if_)}: {OUTCOME_WORDS[a.outcome].lower()}"
                  + (f", {money(a.recoverable)}" if a.recoverable is not None else "")
                  + (f", between {money(a.recoverable_range.min)} and "
                     f"{money(a.recoverable_range.max)} depending on the answer"
                     if a.recoverable_range is not None else
                     ", of an amount that depends on the answer"
                     if a.recoverable_depends_on_answer else "")
                  + (f", on {' and '.join(a.pending_on)}" if a.pending_on else "")
                  + "".join(f"; award {award}: {OUTCOME_WORDS[o].lower()}"
                            for award, o in (a.awards or {}).items())
                  + _split_words(a.split or [])
                  for a in q.answers] or ["the answer decides the outcome"])
            for q in d.open_questions]))
    if d.notes:
        sections.append(Section("Notes", items=[
            Item(f"{n.award}: {n.text}" if n.award else n.text,
                 [f"{n.clause} ({n.rule})"] if n.rule else [])
            for n in d.notes]))
    if d.assumptions:
        _mark_assumed(d, header, sections)
    return title, header, sections


def _split_words(split) -> str:
    """How an answer splits an award's amount between its remedies."""
    awards: dict[str, list[str]] = {}
    for x in split:
        awards.setdefault(x.award, []).append(
            f"{x.remedy} up to {money(x.up_to)}" if x.up_to is not None else
            f"{x.remedy} up to {money(x.up_to_range.min)} to {money(x.up_to_range.max)} "
            "with the answer")
    return "".join(f"; {award}: {', '.join(parts)}" for award, parts in awards.items())


ASSUMED = "[assumed]"


def _mark_assumed(d: Determination, header: list[str], sections: list[Section]) -> None:
    """A what-if: the assumptions are stated at the top, and each assumed fact is marked
    wherever a reason cites it, so the memo never reads as if the case said so."""
    said = [f"{a.fact} = {'not known' if a.value is None else _answer_word(a.value)}"
            for a in d.assumptions]
    header += ["", "What-if: determined as if the case said " + "; ".join(said)
               + f" (each marked {ASSUMED} where it is cited)"]
    pattern = re.compile("(" + "|".join(re.escape(a.fact) for a in d.assumptions)
                         + r")(?![\w\[.])")

    def mark(text: str) -> str:
        return pattern.sub(lambda m: f"{m[1]} {ASSUMED}", text)

    for section in sections:
        section.intro = [mark(line) for line in section.intro]
        for item in section.items:
            item.text = mark(item.text)
            item.details = [mark(detail) for detail in item.details]


def _answer_word(value) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value == []:
        return "none"
    if isinstance(value, list):  # values that lead to the same result
        words = [_answer_word(v) for v in value]
        return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]
    return str(value)


def _award(a) -> Section:
    line = f"Outcome: {OUTCOME_WORDS[a.outcome].lower()}"
    if a.outcome == "recovery":
        line += f", {money(a.recoverable)} recoverable"
    if a.outcome == "pending" and a.recoverable_range is not None:
        line += (f", between {money(a.recoverable_range.min)} and "
                 f"{money(a.recoverable_range.max)} recoverable depending on the open facts")
    intro = [line]
    # A pending award's Recoverable Compensation is not stated as if it were settled.
    if a.recoverable_compensation is not None and a.outcome != "pending":
        intro.append(f"Recoverable Compensation: {money(a.recoverable_compensation)}")
    if a.excused is not None:
        intro.append(f"Excused: {money(a.excused)} under {a.excused.exception} "
                     f"({a.excused.clause})")
    if a.recovered is not None:
        intro.append(f"Recovered already: {money(a.recovered)}; outstanding: "
                     f"{money(a.outstanding)}")
    items = [Item(f"Remedy {r.kind} ({r.modality}): up to "
                  + (f"between {money(r.up_to_range.min)} and {money(r.up_to_range.max)}, "
                     "depending on the open facts" if r.up_to_range else money(r.up_to)),
                  [f"because {r.because}", f"from {r.source}: {r.clause}"]
                  + ([f"made {r.modality} by {r.modality_from}"] if r.modality_from else [])
                  + ([f"only {r.enforced_by} can enforce it"] if r.enforced_by else []),
                  r.quote) for r in a.remedies]
    items += [Item(f"[{STATUS_WORDS[c.status]}] {c.id} ({c.kind})",
                   [f"because {c.because}", f"from {c.source}: {c.clause}"]
                   + ([f"in place of {c.replaces}"] if c.replaces else []), c.quote)
              for c in a.conditions]
    items += [Item(f"Note: {n}") for n in a.notes]
    return Section(f"Award {a.id}", intro, items)
