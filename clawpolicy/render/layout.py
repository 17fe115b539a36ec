"""The memo laid out as plain text or as Markdown."""

from __future__ import annotations

import textwrap

from clawpolicy.evaluate.determination import Determination
from clawpolicy.render import memo

WIDTH = 100


def text(d: Determination) -> str:
    title, header, sections = memo.build(d)
    out = [title, "=" * len(title), *header]
    for section in sections:
        out += ["", section.title, "-" * len(section.title), *section.intro]
        for item in section.items:
            out.append(textwrap.fill(item.text, WIDTH, initial_indent="- ",
                                     subsequent_indent="    "))
            out += [textwrap.fill(detail, WIDTH, initial_indent="    ",
                                  subsequent_indent="    ") for detail in item.details]
            if item.quote:
                out.append(textwrap.fill(f'"{item.quote}"', WIDTH, initial_indent="    > ",
                                         subsequent_indent="    > "))
    return "\n".join(out) + "\n"


def markdown(d: Determination) -> str:
    title, header, sections = memo.build(d)
    out = [f"# {title}", "", *(f"{line}  " if line else "" for line in header)]
    for section in sections:
        out += ["", f"## {section.title}", ""]
        out += [f"{line}  " for line in section.intro]
        if section.intro:
            out.append("")
        for item in section.items:
            out.append(f"- **{_escape(item.text)}**")
            out += [f"  - {_escape(detail)}" for detail in item.details]
            if item.quote:
                out.append(f"  > {_escape(item.quote)}")
    return "\n".join(out) + "\n"


def _escape(value: str) -> str:
    return value.replace("*", r"\*").replace("_", r"\_")
