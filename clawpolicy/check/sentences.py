"""The source document, sentence by sentence, and which rules encode each sentence.

A sentence is the unit a lawyer checks: the text is split into paragraphs, bullet items are
units of their own, and a paragraph is split after a full stop that ends a sentence (not one
that ends an abbreviation such as "Inc."). A paragraph that breaks mid-sentence (a page
break) is joined to the next.

A rule encodes a sentence when one of its quotations identifies it: the quotation (white
space folded, typographic quotes made straight) covers the whole sentence, or at least
MIN_WORDS of its words and at least a quarter of them (SHARE), and stands in no other sentence
so (words that recur through the text name no one sentence). A recital marks a sentence
non-operative by the same measure. A shorter quotation, such as a defined term that recurs
through the text, identifies nothing: it is shown and warned about, never counted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from clawpolicy.check.checker import CheckedPolicy
from clawpolicy.core.source import SourceFile, Span
from clawpolicy.syntax import ast

_ABBREVIATIONS = ("Inc.", "Co.", "Corp.", "Ltd.", "No.", "e.g.", "i.e.", "U.S.", "Mr.", "Ms.",
                  "Dr.", "St.", "vs.", "v.")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”)]*\s+(?=[A-Z(\"“])")
_ENUMERATOR = re.compile(r"\(?(\d+|[ivxlcdm]+|[a-z])\)?\.", re.IGNORECASE)
_TYPOGRAPHIC = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
# How much of a sentence a quotation must cover to identify it, when not all of it.
MIN_WORDS = 4
SHARE = Fraction(1, 4)


def normalize(text: str) -> str:
    return " ".join(text.translate(_TYPOGRAPHIC).split())


@dataclass(frozen=True)
class Sentence:
    number: int
    text: str  # white space folded
    span: Span


def sentences(source: SourceFile) -> list[Sentence]:
    units: list[tuple[int, int]] = []  # offsets of each unit in the source
    for start, end in _paragraphs(source.text):
        units.extend(_split(source.text, start, end))
    return [Sentence(i + 1, normalize(source.text[a:b]), Span(source, a, b))
            for i, (a, b) in enumerate(units)]


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraphs and bullet items, as offsets; a paragraph that stops mid-sentence is joined
    to a next one that carries on in lower case."""
    blocks = [(m.start(), m.end()) for m in re.finditer(r"\S(?:.|\n(?!\s*\n))*", text)]
    items: list[tuple[int, int]] = []
    for start, end in blocks:
        for m in re.finditer(r"(?m)^\s*[-•*]\s+.*(?:\n(?!\s*[-•*]\s).+)*|^(?!\s*[-•*]\s).+"
                             r"(?:\n(?!\s*[-•*]\s).+)*", text[start:end]):
            items.append((start + m.start() + len(m.group()) - len(m.group().lstrip()),
                          start + m.end()))
    joined: list[tuple[int, int]] = []
    for start, end in items:
        previous = text[joined[-1][0]:joined[-1][1]].rstrip() if joined else ""
        if joined and previous and previous[-1] not in ".:;!?)\"”" \
                and not re.match(r"[-•*]\s", previous) \
                and text[start:end].lstrip()[:1].islower():
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    body = text[start:end]
    if re.match(r"\s*[-•*]\s", body):  # a bullet item is one unit, its marker left out
        marker = re.match(r"\s*[-•*]\s+", body).end()
        return [(start + marker, end)]
    pieces, cut = [], 0
    for m in _SENTENCE_END.finditer(body):
        before = body[:m.start() + 1].split()
        if before and before[-1].rstrip("\"”)").endswith(_ABBREVIATIONS):
            continue
        if before and _ENUMERATOR.fullmatch(before[-1]) and len(before) == 1 + \
                len(body[:cut].split()):  # "1." or "(a)." heading a sentence
            continue
        pieces.append((start + cut, start + m.start() + len(m.group().rstrip())))
        cut = m.end()
    pieces.append((start + cut, end))
    return [(a, b) for a, b in pieces if text[a:b].strip()]


@dataclass(frozen=True)
class Quotation:
    """One quotation of a rule, and how much of a sentence it covers."""

    rule: ast.Rule
    text: str            # white space folded
    span: Span | None    # where the rule quotes it
    words: int = 0       # of the sentence's words, how many it covers
    of: int = 0          # how many words the sentence has


@dataclass(frozen=True)
class Traced:
    sentence: Sentence
    encoded_by: tuple[str, ...]     # ids of the rules that encode it
    recitals: tuple[ast.Rule, ...]  # recitals that mark it non-operative
    # Quotations that stand in it but are too short to identify it, of rules that neither
    # encode nor mark it by another quotation.
    too_short: tuple[Quotation, ...] = ()

    @property
    def operative(self) -> bool:
        # A sentence a rule encodes is operative, whatever a recital's words also touch.
        return bool(self.encoded_by) or not self.recitals


def quoting_rules(policy: CheckedPolicy) -> list[ast.Rule]:
    """The rules whose quotations are of the policy's own text (revisions quote the law)."""
    return [r for r in policy.rules if r.citation.quotes]


def quotations(policy: CheckedPolicy) -> list[Quotation]:
    return [Quotation(rule, normalize(quote), span)
            for rule in quoting_rules(policy)
            for quote, span in zip(rule.citation.quotes,
                                   rule.citation.quote_spans or (None,) * len(
                                       rule.citation.quotes))]


def needed(total: int) -> int:
    """The words a quotation must cover of a sentence of `total` words to identify it."""
    return total if total < MIN_WORDS else max(MIN_WORDS, -(-total * SHARE.numerator
                                                            // SHARE.denominator))


def recurs(q: "Quotation") -> bool:
    """Whether a quotation that identifies no sentence is long enough to: then its words
    stand in several sentences, and name none of them."""
    return q.words >= needed(q.of)


def identifies(covered: int, total: int, whole: bool) -> bool:
    """Whether a quotation covering `covered` of a sentence's `total` words identifies it."""
    return whole or (covered >= MIN_WORDS and covered >= SHARE * total)


def coverage(source: SourceFile, found: list[Sentence],
             quoted: list[Quotation]) -> list[tuple[int, int, Quotation, bool]]:
    """Each place a quotation stands in a sentence: (sentence number, the quotation's index
    in `quoted`, the quotation with the words it covers there, whether it identifies the
    sentence). A quotation is found wherever it occurs in the text, and may run over several
    sentences."""
    text = normalize(source.text)
    ranges, at = [], 0
    for sentence in found:
        start = text.find(sentence.text, at)
        start = at if start < 0 else start
        ranges.append((start, start + len(sentence.text)))
        at = start + len(sentence.text)
    result = []
    for index, quote in enumerate(quoted):
        for m in re.finditer(re.escape(quote.text), text) if quote.text else ():
            for sentence, (start, end) in zip(found, ranges):
                part = text[max(m.start(), start):min(m.end(), end)]
                if not part.strip():
                    continue
                total, covered = len(sentence.text.split()), len(part.split())
                whole = m.start() <= start and m.end() >= end
                result.append((sentence.number, index,
                               Quotation(quote.rule, quote.text, quote.span, covered, total),
                               identifies(covered, total, whole), whole, m.start()))
    # Words found in more than one place of the text, each enough of a sentence to count,
    # identify none of those sentences (a quotation running over two sentences is one
    # place): words that recur ("The Committee shall determine") name no one sentence.
    places: dict[int, set[int]] = {}
    for _, index, _, ok, whole, at in result:
        if ok and not whole:
            places.setdefault(index, set()).add(at)
    return [(number, index, quote, ok and (whole or len(places.get(index, ())) == 1))
            for number, index, quote, ok, whole, _ in result]


def trace(policy: CheckedPolicy, source: SourceFile) -> list[Traced]:
    found = sentences(source)
    places = coverage(source, found, quotations(policy))
    # A quotation that identifies some sentence is of that sentence; its words recurring in
    # another (a title's, say) are not a short quotation of that other one.
    of_a_sentence = {index for _, index, _, ok in places if ok}
    traced = []
    for sentence in found:
        standing = [(i, q, ok) for n, i, q, ok in places if n == sentence.number]
        identifying = {q.rule.name for _, q, ok in standing if ok}
        encoded = [q.rule for _, q, ok in standing if ok and q.rule.kind != "recital"]
        recitals = [q.rule for _, q, ok in standing if ok and q.rule.kind == "recital"]
        short = tuple(q for i, q, ok in standing if not ok and i not in of_a_sentence
                      and q.rule.name not in identifying)
        traced.append(Traced(sentence, tuple(r.name for r in _in_order(policy, encoded)),
                             _in_order(policy, recitals), short))
    return traced


def _in_order(policy: CheckedPolicy, rules: list[ast.Rule]) -> tuple[ast.Rule, ...]:
    """Each rule once, in the policy's order."""
    order = {r.name: i for i, r in enumerate(quoting_rules(policy))}
    return tuple(sorted({r.name: r for r in rules}.values(), key=lambda r: order[r.name]))
