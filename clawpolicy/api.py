"""The one place the stages meet: load → check → evaluate."""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from clawpolicy.core.case import parse_amount, parse_boolean, parse_date, parse_number, parse_text
from clawpolicy.input.reader import LoadedCase, check_text, load_case, parse_case, validate_case
from clawpolicy.check.cache import checked_policy
from clawpolicy.check.policy import CheckedPolicy
from clawpolicy.check.facts import by_level
from clawpolicy.evaluate.determination import Assumption, Determination
from clawpolicy.core.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.core.shipped import resolve_policy
from clawpolicy.core.source import printable
from clawpolicy.evaluate.determine import determine
from clawpolicy.evaluate.expressions import EvaluationError
from clawpolicy.vocabulary import Vocabulary


class PolicyError(DiagnosticError):
    """The policy is invalid (exit code 3)."""


class CaseError(DiagnosticError):
    """The case file is invalid (exit code 4)."""


def __getattr__(name: str) -> Any:
    # AssumptionError (an assumption that cannot be made, exit code 2) is input/assume.py's,
    # imported only where `check --assume` is used or the class is named.
    if name == "AssumptionError":
        from clawpolicy.input.assume import AssumptionError

        return AssumptionError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def compile_policy(path: str | Path, vocabulary: Vocabulary | None = None) -> CheckedPolicy:
    """Load and check a policy against a case vocabulary: the shipped one, or one read with
    `clawpolicy.vocabulary.load(PATH)`. The policy's cases are read with the same one.
    `path` may name a shipped policy (`qualys-2019`) where no such file exists. A policy
    checked before and unchanged since is not checked again (check/cache.py)."""
    try:
        return checked_policy(resolve_policy(path), vocabulary)
    except DiagnosticError as error:
        raise PolicyError(error.diagnostics) from None


def read_case(path: str | Path, vocabulary: Vocabulary | None = None,
              expectation: bool = False) -> LoadedCase:
    """A case file as `check` reads it: its `expect:` block is read as YAML or JSON like the
    rest of the file, but its fields are left to `clawpolicy test` (`expectation=True`)."""
    try:
        return load_case(path, vocabulary=vocabulary, expectation=expectation)
    except DiagnosticError as error:
        raise CaseError(error.diagnostics) from None


def read_case_bytes(raw: bytes, name: str = "-",
                    vocabulary: Vocabulary | None = None) -> LoadedCase:
    """Read and validate a case given as the bytes of a case file (standard input): JSON if
    it starts with `{`, else YAML; or raise CaseError."""
    is_json = raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")
    try:
        return parse_case(raw, name, is_json=is_json, vocabulary=vocabulary)
    except DiagnosticError as error:
        raise CaseError(error.diagnostics) from None


def read_case_data(data: Mapping[str, Any], name: str | None = None,
                   vocabulary: Vocabulary | None = None) -> LoadedCase:
    """Validate a case given as a mapping of its fields (as a case file holds them), or
    raise CaseError. `name` names it in messages; by default its `case_id`."""
    if name is None:
        case_id = data.get("case_id")
        name = f"case {case_id}" if isinstance(case_id, str) else "case"
    name = printable(name)
    try:
        check_text(data, name)  # a lone surrogate, refused as the file reader refuses it
        return LoadedCase(validate_case(dict(data), name, {}, vocabulary), name, {}, dict(data))
    except DiagnosticError as error:
        raise CaseError(error.diagnostics) from None


_PARSERS = {"boolean": parse_boolean, "date": parse_date, "money": parse_amount, "number": parse_number,
            "text": parse_text}


def policy_facts(policy: CheckedPolicy, loaded: LoadedCase) -> dict[str, Any]:
    """The case's `facts:` typed by the policy's own declarations, by name, and each decided
    item's `facts:` typed by those declared per item, by path (`awards[0].facts.NAME`). A key
    the policy does not declare there is an error (`CP0414`): a misspelled fact would
    otherwise be silently unknown."""
    whole, per = by_level(policy.fact_decls)
    typed, errors = type_facts(whole, loaded.case.facts, "facts", loaded, per)
    decided = policy.vocabulary.roles.decided
    for i, item in enumerate(getattr(loaded.case, decided)):
        prefix = f"{decided}[{i}].facts"
        found, wrong = type_facts(per, item.facts, prefix, loaded, whole,
                                  policy.vocabulary.roles.each)
        typed |= {f"{prefix}.{name}": value for name, value in found.items()}
        errors += wrong
    if errors:
        raise CaseError(errors)
    return typed


def type_facts(decls: tuple, raw_facts: dict[str, Any], prefix: str, loaded: LoadedCase,
               elsewhere: tuple = (), item: str | None = None
               ) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The mapping `raw_facts` (at `prefix` in the case) typed by the declarations `decls`,
    and the errors: a value that does not fit (`CP0411`), a key not declared (`CP0414`;
    `elsewhere` are the facts declared at the other level, named where the key is one;
    `item`: the word of the item whose facts these are, or None for the case's)."""
    typed: dict[str, Any] = {}
    errors = []
    by_name = {decl.name: decl for decl in decls}
    for name, raw in raw_facts.items():
        path = f"{prefix}.{name}"
        decl = by_name.get(name)
        if decl is None:
            other = next((d for d in elsewhere if d.name == name), None)
            errors.append(_undeclared(str(name), path, list(by_name), loaded, other, item))
            continue
        if raw is None:
            continue
        try:
            if decl.type == "enum":
                if raw not in decl.values:
                    raise ValueError(f"expected one of: {', '.join(decl.values)}")
                typed[name] = raw
            else:
                typed[name] = _PARSERS[decl.type](raw)
        except ValueError as error:
            errors.append(Diagnostic("CP0411", f"`{path}` cannot be {raw!r}", str(error),
                                     where=loaded.where(path)))
    return typed, errors


def _undeclared(name: str, path: str, declared: list[str], loaded: LoadedCase,
                other: Any, item: str | None) -> Diagnostic:
    import difflib

    if other is not None:  # declared, but for the other level
        where = (f"the whole case: give it under the case's `facts:`" if other.per is None
                 else f"each {other.per}: give it under each {other.per}'s own `facts:`")
        return Diagnostic("CP0414", f"`{path}` is not a fact the policy declares here",
                          f"the policy declares `{name}` once for {where}",
                          where=loaded.where(path))
    close = difflib.get_close_matches(name, declared, n=1)
    hint = f"did you mean `{close[0]}`? " if close else ""
    per = f" per {item}" if item is not None else ""
    expected = (f"expected one of: {', '.join(declared)}" if declared
                else f"the policy declares no facts{per}")
    return Diagnostic("CP0414", f"`{path}` is not a fact the policy declares",
                      f"{hint}{expected} (a policy declares its facts{per} with "
                      f"`fact NAME: TYPE{per}`)", where=loaded.where(path))


def assume(policy: CheckedPolicy, loaded: LoadedCase,
           assumptions: Sequence[str]) -> tuple[LoadedCase, list[Assumption]]:
    """The case as if it said each of `assumptions` (`FACT=VALUE`), validated again, and
    the assumptions as the determination records them; or AssumptionError (a usage error)
    naming each fact that does not exist or cannot hold the value."""
    from clawpolicy.input import assume as whatif

    if loaded.data is None:
        raise ValueError(f"the case {loaded.name} was not read from its fields; read it with "
                         "`read_case`, `read_case_bytes` or `read_case_data`")
    whole, per = by_level(policy.fact_decls)
    data, done = whatif.apply(loaded.data, assumptions, policy.vocabulary,
                              [d.name for d in whole], loaded.case, [d.name for d in per])
    try:
        case = validate_case(data, loaded.name, loaded.positions, policy.vocabulary)
        assumed = LoadedCase(case, loaded.name, loaded.positions, data)
        policy_facts(policy, assumed)
    except DiagnosticError as error:
        raise whatif.AssumptionError([whatif.misfit(d, done)
                                      for d in error.diagnostics]) from None
    return assumed, [Assumption(fact=a.fact, value=a.value) for a in done]


def evaluate(policy: CheckedPolicy, loaded: LoadedCase,
             assumptions: Sequence[str] = (), reasons: bool = True) -> Determination:
    """The determination of a checked policy for a case read with its vocabulary; raises
    CaseError (a declared fact of the wrong type) or PolicyError. With `assumptions`
    (`FACT=VALUE`, as `check --assume` takes them), the determination is made as if the
    case said so, lists them, and is sealed with the case as read; a wrong assumption
    raises AssumptionError. Without `reasons` (for a caller that reads only outcomes, amounts
    and statuses), no reason is written: every `because` is empty."""
    if type(loaded.case) is not policy.vocabulary.case_model:
        raise ValueError(f"the case {loaded.name} was read with another vocabulary than the "
                         f"policy's ({policy.vocabulary.source}); read it with "
                         "`read_case(path, policy.vocabulary)`")
    read, recorded = loaded, []
    if assumptions:
        loaded, recorded = assume(policy, read, assumptions)
    try:
        return determine(policy, loaded.case, policy_facts(policy, loaded), recorded,
                         sealed=read.case, reasons=reasons)
    except CaseError:
        raise
    except EvaluationError as error:
        if error.case_facts:
            raise CaseError([_blamed_on_the_case(loaded, error)]) from None
        raise PolicyError(error.diagnostics) from None
    except DiagnosticError as error:
        raise PolicyError(error.diagnostics) from None
    except decimal.DecimalException:
        # Amounts hold at most 30 digits, so only a policy that multiplies them again and
        # again can outgrow the precision; nothing is rounded away in silence.
        raise PolicyError([Diagnostic(
            "CP0504", "an amount computed for this case grew beyond the 80 digits clawpolicy "
            "computes with", "check the policy's arithmetic (repeated products of amounts)",
            where=policy.loaded.files[0][1].name)]) from None


def _blamed_on_the_case(loaded: LoadedCase, error: EvaluationError) -> Diagnostic:
    """A computation the policy makes with this case's values left the calendar (a date that
    near either end of it) or the precision (amounts that large or small multiplied
    together): the case is to blame, at the first field the computation read; the policy's
    place is named in the help. A date computed from the policy's own dates alone (say
    `effective_date + 9000 years`), or an amount the policy's own numbers alone take past
    the precision, stays the policy's error, CP0506 or CP0504."""
    policy_error = error.diagnostics[0]
    path = error.case_facts[0]
    if policy_error.code == "CP0504":
        read = " and ".join(f"`{fact}`" for fact in error.case_facts[:3])
        more = f" (and {len(error.case_facts) - 3} more)" if len(error.case_facts) > 3 else ""
        return Diagnostic(
            "CP0413", f"the policy's arithmetic on {read}{more} needs more than 80 significant "
            "digits for this case's values", "amounts this large or this small, multiplied "
            f"together, cannot be computed exactly; check these values (the policy computes "
            f"with them at {policy_error.span})", where=loaded.where(path))
    return Diagnostic(
        "CP0413", f"the policy's date arithmetic on `{path}` leaves the calendar: "
        f"{policy_error.message}", "dates run from year 1 to year 9999; check this date (the "
        f"policy computes with it at {policy_error.span})", where=loaded.where(path))
