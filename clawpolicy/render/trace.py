"""The report of `clawpolicy trace`: the source text sentence by sentence, with the rules that
encode each, as text or as a Markdown table."""

from __future__ import annotations

from clawpolicy.check.sentences import Traced


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
                cell += "; quoted too briefly to count: " + ", ".join(
                    f"`{q.rule.name}` ({q.words} of {q.of} words)" for q in t.too_short)
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
            lines.append("     quoted too briefly to count: " + ", ".join(
                f"{q.rule.name} ({q.words} of {q.of} words)" for q in t.too_short))
    return "\n".join(lines + ["", summary]) + "\n"
