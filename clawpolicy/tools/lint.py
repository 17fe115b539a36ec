"""`clawpolicy lint`: every static check, plus warnings a drafter wants before anyone runs
a case: definitions nothing uses, conditions that can never hold or never fail, quotations
that are not in the source document, and sentences of the source no rule encodes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from clawpolicy.check.checker import CheckedPolicy, check
from clawpolicy.core.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.evaluate.expressions import Env, Evaluator
from clawpolicy.syntax.load import load_policy, read_source
from clawpolicy.revise.rules import base
from clawpolicy.core.source import SourceFile
from clawpolicy.syntax import ast
from clawpolicy.tools.sentences import normalize, quoting_rules, trace


def lint(path: str | Path) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(errors, warnings) for the policy at `path`."""
    try:
        policy = check(load_policy(path))
    except DiagnosticError as error:
        return error.diagnostics, []
    warnings = unused_definitions(policy)
    try:
        warnings += constant_rules(policy)
        source = source_document(policy)
    except DiagnosticError as error:  # a rule that fails whatever the case, or a bad source
        return error.diagnostics, warnings
    if source is None:
        warnings.append(Diagnostic(
            "CP1006", "the policy names no source document",
            'add `source "PATH"` to the header, so quotations and sentences can be checked',
            policy.header.span, severity="warning"))
    else:
        warnings += quotes_not_in_source(policy, source) + sentences_not_encoded(policy, source)
    return [], sorted(warnings, key=Diagnostic.sort_key)


def source_document(policy: CheckedPolicy) -> SourceFile | None:
    if policy.header.source is None:
        return None
    path = policy.loaded.root / policy.header.source
    shown = str(Path(policy.loaded.files[0][1].name).parent / policy.header.source)
    return read_source(path, shown, None, what="source document")


def unused_definitions(policy: CheckedPolicy) -> list[Diagnostic]:
    used = {r.target for r in policy.resolutions.values() if r.kind == "rule"}
    return [Diagnostic("CP1001", f"the definition `{r.name}` is never used",
                       "use it in a rule, or remove it", r.name_span, severity="warning")
            for r in policy.rules if r.kind == "definition" and r.name not in used]


def _reads_facts(policy: CheckedPolicy, expr: ast.Expr) -> bool:
    stack = [expr]
    while stack:
        node = stack.pop()
        resolution = policy.resolutions.get(id(node))
        if resolution is not None and resolution.kind in ("root", "local"):
            return True
        if resolution is not None and resolution.kind == "rule":
            stack.append(policy.rule(resolution.target).body)
        stack.extend(ast.children(node))
    return False


def constant_rules(policy: CheckedPolicy) -> list[Diagnostic]:
    """Scopes and conditions that read no fact of the case, so they decide nothing."""
    rules = [r for r in policy.rules if r.kind in ("scope", "condition")]
    rules += [c.rule for rev in policy.revisions for c in rev.changes
              if c.rule is not None and c.rule.kind in ("scope", "condition")]
    case = policy.vocabulary.case_model(case_id="lint", as_of=dt.date(2000, 1, 1))
    evaluator = Evaluator(policy, case, {})
    found = []
    for rule in rules:
        if _reads_facts(policy, rule.body):
            continue
        value = evaluator.eval(rule.body, Env(base(policy)))
        if value is True:
            found.append(Diagnostic("CP1003", f"the {rule.kind} `{rule.name}` never fails",
                                    "it reads no fact of the case; remove it or test a fact",
                                    rule.body.span, severity="warning"))
        elif value is False:
            found.append(Diagnostic("CP1002", f"the {rule.kind} `{rule.name}` can never hold",
                                    "it reads no fact of the case; no award can be recovered",
                                    rule.body.span, severity="warning"))
    return found


def quotes_not_in_source(policy: CheckedPolicy, source: SourceFile) -> list[Diagnostic]:
    text = normalize(source.text)
    return [Diagnostic("CP1004", f"a quotation of `{rule.name}` is not in the source document "
                       "word for word", f"expected words of {source.name}, copied exactly",
                       span, severity="warning")
            for rule in quoting_rules(policy)
            for quote, span in zip(rule.citation.quotes, rule.citation.quote_spans)
            if normalize(quote) not in text]


def sentences_not_encoded(policy: CheckedPolicy, source: SourceFile) -> list[Diagnostic]:
    return [Diagnostic("CP1005", f"sentence {t.sentence.number} of the source document is "
                       "encoded by no rule", "encode it in a rule that quotes it, or mark it "
                       "non-operative with a `recital`", t.sentence.span, severity="warning")
            for t in trace(policy, source) if t.operative and not t.encoded_by]


def render_trace(policy: CheckedPolicy, markdown: bool = False) -> str:
    source = source_document(policy)
    if source is None:
        raise DiagnosticError([Diagnostic(
            "CP1006", "the policy names no source document",
            'add `source "PATH"` to the header', policy.header.span)])
    traced = trace(policy, source)
    operative = [t for t in traced if t.operative]
    encoded = [t for t in operative if t.encoded_by]
    summary = f"{len(encoded)} of {len(operative)} operative sentences encoded"
    if markdown:
        lines = [f"# Trace of {policy.header.name}", "",
                 f"Source: `{source.name}`", "", "| # | Sentence | Encoded by |",
                 "|---|---|---|"]
        for t in traced:
            cell = ", ".join(f"`{r}`" for r in t.encoded_by) if t.operative else \
                "non-operative: " + "; ".join(f"`{r.name}` ({r.text})" for r in t.recitals)
            text = t.sentence.text.replace("|", "\\|")
            lines.append(f"| {t.sentence.number} | {text} | {cell or '**not encoded**'} |")
        return "\n".join(lines + ["", summary]) + "\n"
    lines = [f"{source.name}, sentence by sentence", ""]
    for t in traced:
        lines.append(f"{t.sentence.number:>3}  {t.sentence.text}")
        if not t.operative:
            lines += [f"     non-operative: {r.name} ({r.text})" for r in t.recitals]
        else:
            lines.append("     encoded by: " + (", ".join(t.encoded_by) or "NOTHING"))
    return "\n".join(lines + ["", summary]) + "\n"
