"""The source document, sentence by sentence, and which rules encode each sentence.

A sentence is the unit a lawyer checks: the text is split into paragraphs, bullet items are
units of their own, and a paragraph is split after a full stop that ends a sentence (not one
that ends an abbreviation such as "Inc."). A paragraph that breaks mid-sentence (a page
break) is joined to the next. A rule encodes a sentence when one of its quotations stands in
the sentence, or the sentence in the quotation, after white space is folded and typographic
quotes are made straight. A recital marks a sentence its quotation makes up at least a third
of."""

from __future__ import annotations

import re
from dataclasses import dataclass

from clawpolicy.check.checker import CheckedPolicy
from clawpolicy.core.source import SourceFile, Span
from clawpolicy.syntax import ast

_ABBREVIATIONS = ("Inc.", "Co.", "Corp.", "Ltd.", "No.", "e.g.", "i.e.", "U.S.", "Mr.", "Ms.",
                  "Dr.", "St.", "vs.", "v.")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”)]*\s+(?=[A-Z(\"“])")
_ENUMERATOR = re.compile(r"\(?(\d+|[ivxlcdm]+|[a-z])\)?\.", re.IGNORECASE)
_TYPOGRAPHIC = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


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
class Traced:
    sentence: Sentence
    encoded_by: tuple[str, ...]     # ids of the rules that encode it
    recitals: tuple[ast.Rule, ...]  # recitals that mark it non-operative

    @property
    def operative(self) -> bool:
        # A sentence a rule encodes is operative, whatever a recital's words also touch.
        return bool(self.encoded_by) or not self.recitals


def quoting_rules(policy: CheckedPolicy) -> list[ast.Rule]:
    """The rules whose quotations are of the policy's own text (revisions quote the law)."""
    return [r for r in policy.rules if r.citation.quotes]


def trace(policy: CheckedPolicy, source: SourceFile) -> list[Traced]:
    rules = quoting_rules(policy)
    traced = []
    for sentence in sentences(source):
        def encodes(rule: ast.Rule) -> bool:
            return any(_overlaps(normalize(q), sentence.text) for q in rule.citation.quotes)
        def marks(recital: ast.Rule) -> bool:
            # A recital marks a sentence its words make up a good part of, not one that
            # merely mentions them (a title's words recur in the text).
            return any(_overlaps(normalize(q), sentence.text)
                       and len(normalize(q)) * 3 >= len(sentence.text)
                       for q in recital.citation.quotes)
        traced.append(Traced(
            sentence,
            tuple(r.name for r in rules if r.kind != "recital" and encodes(r)),
            tuple(r for r in rules if r.kind == "recital" and marks(r))))
    return traced


def _overlaps(quote: str, sentence: str) -> bool:
    return bool(quote) and (quote in sentence or sentence in quote)
