"""`clawpolicy lint`: every static check, plus warnings a drafter wants before anyone runs
a case: definitions nothing uses, conditions that can never hold or never fail, reads of an
absent record and date arithmetic that may fail on some case, quotations that are not in the
source document or too short to identify a sentence, and sentences of the source no rule
encodes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from clawpolicy.check import dates, hazards
from clawpolicy.check.checker import CheckedPolicy, check
from clawpolicy.core.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.evaluate.expressions import Env, Evaluator
from clawpolicy.syntax.load import load_policy, read_source
from clawpolicy.revise.rules import base
from clawpolicy.core.source import SourceFile
from clawpolicy.render import trace as trace_report
from clawpolicy.syntax import ast
from clawpolicy.check.sentences import (
    MIN_WORDS, Quotation, Sentence, Traced, needed, normalize, quoting_rules, recurs, trace)


def lint(path: str | Path) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(errors, warnings) for the policy at `path`."""
    try:
        policy = check(load_policy(path))
    except DiagnosticError as error:
        return error.diagnostics, []
    warnings = unused_definitions(policy) + dates.calendar_hazards(policy) + [
        read.diagnostic() for read in hazards.unguarded_reads(
            policy.rules, policy.revisions, policy.resolutions, policy.case_type)]
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
        traced = trace(policy, source)
        too_short, named = quotations_too_short(traced)
        warnings += quotes_not_in_source(policy, source) + too_short \
            + sentences_not_encoded(traced, named)
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


def sentences_not_encoded(traced: list[Traced], named: set[int]) -> list[Diagnostic]:
    """Each operative sentence nothing encodes or marks that no CP1007 names (`named`):
    `trace` shows it "encoded by: NOTHING", and so lint warns about each. One a quotation
    stands in too briefly, warned about for another sentence, says which."""
    found = []
    for t in traced:
        if t.operative and not t.encoded_by and t.sentence.number not in named:
            found.append(Diagnostic(
                "CP1005", f"sentence {t.sentence.number} of the source document is encoded by "
                "no rule", "encode it in a rule that quotes it, or mark it non-operative with "
                f"a `recital`{_standing_in(t, traced)}", t.sentence.span, severity="warning"))
    return found


def _standing_in(t: Traced, traced: list[Traced]) -> str:
    """What the quotations that stand in an unencoded sentence without counting for it lack,
    for CP1005's help: too few of its words, or words that other sentences have too."""
    brief, shared = set(), {}
    for q in t.too_short:
        if recurs(q):
            shared.setdefault(q.rule.name, set()).update(
                u.sentence.number for u in traced if u is not t
                and any(_key(r) == _key(q) for r in u.too_short))
        else:
            brief.add(q.rule.name)
    said = [f"the quotation of {', '.join(f'`{n}`' for n in sorted(brief))} stands in it, "
            "too briefly to count"] if brief else []
    said += [f"the quotation of `{name}` stands in it and in {_numbered(sorted(others))} too, "
             "so it identifies none of them" if others else f"the quotation of `{name}` "
             "stands in it in words other sentences have too, so it identifies none of them"
             for name, others in sorted(shared.items())]
    return f" ({'; '.join(said)})" if said else ""


def _key(q: Quotation) -> tuple:
    """A quotation, the same wherever it stands: its rule and where it is written."""
    return q.rule.name, q.span.start if q.span is not None else q.text


def quotations_too_short(traced: list[Traced]) -> tuple[list[Diagnostic], set[int]]:
    """A quotation too short to identify the sentence it stands in: where that sentence is
    left unencoded (it would have counted), and wherever it has fewer than MIN_WORDS words
    (a defined term, a single word), once, naming the first sentence it stands in. With the
    numbers of the sentences the warnings name."""
    found: list[Diagnostic] = []
    warned: set[tuple] = set()
    named: set[int] = set()

    def warn(q: Quotation, sentence: Sentence, also: list[int]) -> None:
        warned.add(_key(q))
        named.add(sentence.number)
        what = f"mark sentence {sentence.number} non-operative" if q.rule.kind == "recital" \
            else f"identify sentence {sentence.number}"
        if recurs(q):
            found.append(Diagnostic(
                "CP1007", f"the quotation of `{q.rule.name}` stands in several sentences, so "
                f"it cannot {what}", f"its words stand in sentence {sentence.number} and in "
                f"{_numbered(also)}; quote words of sentence "
                f"{sentence.number} that no other sentence has", q.span, severity="warning"))
            return
        also_in = f" (it also stands in sentence {', '.join(map(str, also))})" if also else ""
        found.append(Diagnostic(
            "CP1007", f"the quotation of `{q.rule.name}` is too short to {what}",
            f"it covers {q.words} of the sentence's {q.of} words{also_in}; a quotation counts "
            f"for a sentence from {MIN_WORDS} words and a quarter of it: quote at least "
            f"{needed(q.of)} words of sentence {sentence.number}", q.span, severity="warning"))

    def elsewhere(t: Traced, q: Quotation) -> list[int]:
        return [u.sentence.number for u in traced if u is not t
                and any(_key(r) == _key(q) for r in u.too_short)]

    for t in traced:
        if t.operative and not t.encoded_by:
            for q in t.too_short:
                if _key(q) not in warned:
                    warn(q, t.sentence, elsewhere(t, q) if recurs(q) else [])
    for t in traced:
        for q in t.too_short:
            if len(q.text.split()) < MIN_WORDS and _key(q) not in warned:
                warn(q, t.sentence, elsewhere(t, q))
    return found, named


def _numbered(numbers: list[int]) -> str:
    """`sentence 3`, `sentences 3 and 4`, `sentences 3, 4 and 5`."""
    if len(numbers) == 1:
        return f"sentence {numbers[0]}"
    return f"sentences {', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"


def render_trace(policy: CheckedPolicy, markdown: bool = False) -> str:
    """`clawpolicy trace`: the policy's source document, sentence by sentence."""
    source = source_document(policy)
    if source is None:
        raise DiagnosticError([Diagnostic(
            "CP1006", "the policy names no source document",
            'add `source "PATH"` to the header', policy.header.span)])
    return trace_report.render(policy.header.name, source.name, trace(policy, source), markdown)


def render_json(results: list[tuple[Path, list[Diagnostic], list[Diagnostic]]]) -> str:
    """`lint --format json`: each policy with its errors and warnings, and the totals."""
    import json

    from clawpolicy.core.diagnostics import as_dict

    data = {
        "policies": [{"path": str(path), "errors": [as_dict(d) for d in errors],
                      "warnings": [as_dict(d) for d in warnings]}
                     for path, errors, warnings in results],
        "summary": {"policies": len(results),
                    "errors": sum(len(e) for _, e, _ in results),
                    "warnings": sum(len(w) for _, _, w in results)}}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
