"""The comments of a policy file, found by a scan of its source outside quoted texts: what the
printer (printer.py) keeps where they were."""

from __future__ import annotations

from dataclasses import dataclass

from clawpolicy.core.source import SourceFile


@dataclass(frozen=True)
class Comment:
    line: int
    text: str
    blank_after: bool  # a blank line follows it in the source
    offset: int = 0    # where its `#` stands
    trailing: bool = False  # code stands before it on its line


def comments(source: SourceFile) -> list[Comment]:
    """Every comment outside a quoted text, in order."""
    text, found, i, quote = source.text, [], 0, None
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            line, _ = source.line_col(i)
            after = text[end + 1:].split("\n", 1)[0] if end < len(text) else "x"
            code_before = text[text.rfind("\n", 0, i) + 1:i].strip() != ""
            found.append(Comment(line, text[i:end].rstrip(), not after.strip(), i, code_before))
            i = end
            continue
        i += 1
    return found
