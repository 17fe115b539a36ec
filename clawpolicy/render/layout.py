"""The memo laid out as plain text or as Markdown. The Markdown reads the same in CommonMark
and GFM: tables where the content is tabular, lists nested by four spaces, and every text
(whatever a case supplies) escaped, so that nothing in a case becomes markup or raw HTML."""

from __future__ import annotations

import re
import textwrap

from clawpolicy.core.source import visible
from clawpolicy.evaluate.determination import Determination
from clawpolicy.render import memo as memos

WIDTH = 100


def text(d: Determination, level: str = "summary", vocabulary=None) -> str:
    m = memos.build(d, level, vocabulary)
    out = [m.title, "=" * len(m.title)]
    width = max(len(label) for label, _ in m.header) + 1
    out += [f"{label + ':':<{width}} {value}" for label, value in m.header]
    out += ["", f"Outcome: {m.outcome}"]
    out += _text_section("Summary", _text_table(m.summary))
    if m.settled:
        out += _text_section("Awards without recovery",
                             _text_items(m.settled))
    for part in m.awards:
        body = [f"Outcome: {part.outcome}", ""]
        if part.arithmetic:
            body += _text_table(part.arithmetic) + [""]
        out += _text_section(f"Award {visible(part.id)}", body + _text_items(part.items))
    if m.others:
        out += _text_section("Other amounts recoverable", _text_table(m.others))
    if m.questions:
        out += _text_section("Open questions", _text_table(m.questions))
    if m.notes:
        out += _text_section("Notes", _text_items(m.notes))
    return "\n".join(out) + "\n"


def _text_section(title: str, body: list[str]) -> list[str]:
    return ["", title, "-" * len(title), *body]


def _text_items(items: list[memos.Item]) -> list[str]:
    out = []
    for item in items:
        out.append(textwrap.fill(_line(item.text), WIDTH, initial_indent="- ",
                                 subsequent_indent="    ", break_on_hyphens=False))
        out += [textwrap.fill(_line(detail), WIDTH, initial_indent="    ",
                              subsequent_indent="    ", break_on_hyphens=False)
                for detail in item.details]
        if item.quote and not item.brief:
            out.append(textwrap.fill(f'"{_line(item.quote)}"', WIDTH, initial_indent="    > ",
                                     subsequent_indent="    > ", break_on_hyphens=False))
    return out


def _text_table(table: memos.Table) -> list[str]:
    rows = [table.columns, *([_line(c) for c in row] for row in table.rows)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(table.columns))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return [lines[0], "  ".join("-" * w for w in widths), *lines[1:]]


def _line(value: str) -> str:
    """A case's text on one line: a line break in a title would break the layout."""
    return " ".join(value.split())


def markdown(d: Determination, level: str = "summary", vocabulary=None) -> str:
    m = memos.build(d, level, vocabulary)
    out = [f"# {escape_markdown(m.title)}", ""]
    out += _md_table(memos.Table(["", ""], [[f"**{label}**", value]
                                            for label, value in m.header]), raw_first=True)
    out += ["", f"**Outcome: {escape_markdown(m.outcome)}**", "", "## Summary", ""]
    out += _md_table(m.summary)
    if m.settled:
        out += ["", "## Awards without recovery", "", *_md_items(m.settled)]
    for part in m.awards:
        out += ["", f"## Award {escape_markdown(visible(part.id))}", "", f"Outcome: {escape_markdown(part.outcome)}", ""]
        if part.arithmetic:
            out += _md_table(part.arithmetic) + [""]
        out += _md_items(part.items)
    if m.others:
        out += ["", "## Other amounts recoverable", "", *_md_table(m.others)]
    if m.questions:
        out += ["", "## Open questions", "", *_md_table(m.questions)]
    if m.notes:
        out += ["", "## Notes", "", *_md_items(m.notes)]
    return "\n".join(out) + "\n"


def _md_items(items: list[memos.Item]) -> list[str]:
    out = []
    for item in items:
        out.append(f"- {escape_markdown(item.text)}")
        out += [f"    - {escape_markdown(detail)}" for detail in item.details]
        if item.quote and not item.brief:
            out += ["", f"    > {escape_markdown(item.quote)}", ""]
    return out


def _md_table(table: memos.Table, raw_first: bool = False) -> list[str]:
    def cells(row, raw=False):
        return "| " + " | ".join(c if raw and i == 0 else escape_markdown(c)
                                 for i, c in enumerate(row)) + " |"
    return [cells(table.columns), "|" + "---|" * len(table.columns),
            *(cells(row, raw_first) for row in table.rows)]


# Characters that are markup somewhere in CommonMark or GFM: escaped with a backslash (any
# ASCII punctuation may be); <, > and & as entities, so that no text becomes raw HTML or an
# autolink; and line breaks folded, so that no text starts a block of its own.
_MARKUP = re.compile(r"([\\`*_\[\]{}|~#+!])")


def escape_markdown(value: str) -> str:
    value = " ".join(value.split())
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKUP.sub(r"\\\1", value)
