"""What the editor shows over a name, in Markdown: for a rule its clause, its quotations and
the sentences of the source document they encode; for a definition its value; for a case
fact its type and the question a determination asks when it is not known."""

from __future__ import annotations

import textwrap
from pathlib import Path

from clawpolicy.lsp import facts as fact_words
from clawpolicy.lsp.analysis import Analysis
from clawpolicy.lsp.index import Occurrence
from clawpolicy.core.source import Span
from clawpolicy.syntax import ast

_KIND_WORDS = {"definition": "define"}
_TEXT_WORDS = {"note": "says", "provision": "effect", "recital": "because"}


def hover(analysis: Analysis, found: Occurrence) -> str | None:
    symbol = found.symbol
    if symbol is None:
        return fact_text(analysis, found.fact) if found.fact else None
    declared = analysis.index.declarations.get(symbol)
    node = declared.node if declared is not None else None
    match symbol.kind, node:
        case "rule", ast.Rule():
            return rule_text(analysis, node)
        case "rule", ast.Change(rule=ast.Rule() as rule):
            return rule_text(analysis, rule, added_by=_revision_of(analysis, node))
        case "fact", ast.FactDecl():
            return fact_text(analysis, f"facts.{symbol.name}")
        case "revision", ast.Revision():
            return revision_text(node)
        case "file", _:
            return f"includes `{symbol.name}`"
    return f"`{symbol.name}`: no {symbol.kind} of this name is declared"


def rule_text(analysis: Analysis, rule: ast.Rule, added_by: str | None = None) -> str:
    word = _KIND_WORDS.get(rule.kind, rule.kind)
    head = f"**{word}** `{rule.name}`"
    type_ = analysis.checked.types.get(id(rule.body)) if analysis.checked and rule.body \
        else None
    if rule.kind == "definition" and type_ is not None:
        head += f": {type_}"
    parts = [head + f" — {_file_name(rule.name_span)}"]
    if added_by:
        parts.append(f"added by the revision `{added_by}`")
    if rule.kind == "definition" and rule.body is not None:
        parts.append("```claw\n" + _as_written(rule.body.span) + "\n```")
    text = getattr(rule, "text", None)  # notes, provisions and recitals say something
    if text is not None:
        parts.append(f"{_TEXT_WORDS[rule.kind]}: {text}")
    parts += _citation(rule.citation)
    if added_by is None:
        parts += _sentences(analysis, rule)
    revisers = _revisions_changing(analysis, rule.name)
    if revisers:
        parts.append("revised by " + ", ".join(f"`{r}` ({how})" for r, how in revisers))
    return "\n\n".join(parts)


def fact_text(analysis: Analysis, path: str) -> str | None:
    case = fact_words.case_type(analysis.index.fact_decls)
    field = fact_words.field_of(path, case)
    if field is None:
        return None
    parts = [f"**case fact** `{path}`: {fact_words.describe_type(field)}"]
    if not path.endswith("[]") and "." in path:
        parts.append("asks: " + fact_words.question(path, analysis.index.fact_decls))
    return "\n\n".join(parts)


def revision_text(revision: ast.Revision) -> str:
    parts = [f"**revision** `{revision.name}` — {_file_name(revision.name_span)}"]
    parts += _citation(revision.citation)
    if revision.applies_to is not None:
        parts.append("applies to `" + " ".join(revision.applies_to.span.text.split()) + "`")
    changes = [f"{c.action} {c.kind} `{c.target}`" for c in revision.changes]
    if changes:
        parts.append("changes: " + "; ".join(changes))
    return "\n\n".join(parts)


def _citation(citation: ast.Citation) -> list[str]:
    parts = [f"clause: {citation.clause}"] if citation.clause else []
    parts += [_quoted(q) for q in citation.quotes]
    return parts


def _sentences(analysis: Analysis, rule: ast.Rule) -> list[str]:
    if not rule.citation.quotes:
        return []
    traced = analysis.traced()
    if traced is None:
        return ["*the sentences it encodes show once the policy has no errors*"]
    if rule.kind == "recital":
        found = [t.sentence for t in traced if any(r.name == rule.name for r in t.recitals)]
        verb = "marks as non-operative"
    else:
        found = [t.sentence for t in traced if rule.name in t.encoded_by]
        verb = "encodes"
    if not found:
        return [f"*{verb} no sentence of the source document*"] if traced else []
    name = Path(found[0].span.file.name).name
    return [f"{verb} sentence {s.number} of {name}:\n\n" + _quoted(s.text) for s in found]


def _revisions_changing(analysis: Analysis, name: str) -> list[tuple[str, str]]:
    return [(o.node.name, f"{c.action} as `{c.rule.name}`" if c.renamed else c.action)
            for s, o in analysis.index.declarations.items()
            if s.kind == "revision" and isinstance(o.node, ast.Revision)
            for c in o.node.changes if c.target == name and c.action != "add"]


def _revision_of(analysis: Analysis, change: ast.Change) -> str | None:
    return next((o.node.name for s, o in analysis.index.declarations.items()
                 if s.kind == "revision" and isinstance(o.node, ast.Revision)
                 and any(c is change for c in o.node.changes)), None)


def _quoted(text: str) -> str:
    return "> " + " ".join(text.split())


def _as_written(span: Span) -> str:
    """An expression as the drafter wrote it, its lines indented as in the file."""
    _, col = span.line_col
    return textwrap.dedent(" " * (col - 1) + span.text)


def _file_name(span: Span) -> str:
    return Path(span.file.name).name
