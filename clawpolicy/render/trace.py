"""The report of `clawpolicy trace`: the source text sentence by sentence, with the rules that
encode each, as text or as a Markdown table."""

from __future__ import annotations

from clawpolicy.check.sentences import Traced, recurs


def render(policy_name: str, source_name: str, traced: list[Traced],
           markdown: bool = False) -> str:
    operative = [t for t in traced if t.operative]
    encoded = [t for t in operative if t.encoded_by]
    summary = f"{len(encoded)} of {len(operative)} operative sentences encoded"
    if markdown:
        lines = [f"# Trace of {policy_name}", "",
                 f"Source: `{source_name}`", "", "| # | Sentence | Encoded by |",
                 "|---|---|---|"]
        for t in traced:
            cell = ", ".join(f"`{r}`" for r in t.encoded_by) if t.operative else \
                "non-operative: " + "; ".join(f"`{r.name}` ({r.text})" for r in t.recitals)
            cell = cell or "**not encoded**"
            if t.too_short:
                cell += "; " + _not_counted(t, "`")
            text = t.sentence.text.replace("|", "\\|")
            lines.append(f"| {t.sentence.number} | {text} | {cell} |")
        return "\n".join(lines + ["", summary]) + "\n"
    lines = [f"{source_name}, sentence by sentence", ""]
    for t in traced:
        lines.append(f"{t.sentence.number:>3}  {t.sentence.text}")
        if not t.operative:
            lines += [f"     non-operative: {r.name} ({r.text})" for r in t.recitals]
        else:
            lines.append("     encoded by: " + (", ".join(t.encoded_by) or "NOTHING"))
        if t.too_short:
            lines.append("     " + _not_counted(t, ""))
    return "\n".join(lines + ["", summary]) + "\n"


def _not_counted(t, tick: str) -> str:
    """The quotations that stand in a sentence but do not count for it, and why."""
    short = [q for q in t.too_short if not recurs(q)]
    shared = [q for q in t.too_short if recurs(q)]
    parts = []
    if short:
        parts.append("quoted too briefly to count: " + ", ".join(
            f"{tick}{q.rule.name}{tick} ({q.words} of {q.of} words)" for q in short))
    if shared:
        parts.append("quoted in words other sentences have too, not counted: " + ", ".join(
            f"{tick}{q.rule.name}{tick}" for q in shared))
    return "; ".join(parts)
