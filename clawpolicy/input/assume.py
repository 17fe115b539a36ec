"""What-if: facts taken as given (`check --assume FACT=VALUE`), set in a case's fields as if
the case file said so, then validated again by the vocabulary like the file itself.

A fact is named by its path in the case, as open questions name it
(`findings.misconduct`, `awards[0].amount_as_restated`), and an item of a list with a key
may be named by it too (`awards[bonus-fy2021].amount_paid`); the recorded path always uses
the index. The value is written as in a YAML case file (`true`, `fraud`, `350000`,
`2024-01-31`, `[CFO]`, `null` for unknown). Every mistake is a usage error naming the fact."""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from clawpolicy.core.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.core.source import printable
from clawpolicy.vocabulary import Vocabulary
from clawpolicy.vocabulary.declarations import FieldDecl

FACTS = "facts"  # where a case holds the facts a policy declares for itself
_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\[\]]+)\])?")
# The case's own fields a what-if may set, besides the vocabulary's records.
_CORE = {"as_of": FieldDecl("as_of", "date")}


class AssumptionError(DiagnosticError):
    """An assumption names no fact, or gives it a value it cannot hold (a usage error)."""


@dataclass(frozen=True)
class Assumed:
    fact: str     # the path with indexes: awards[0].amount_paid
    value: Any    # as a case file holds it: true, "fraud", "350000", ["CFO"], None
    given: str    # FACT=VALUE as written


def split(text: str, example: str = "FACT") -> tuple[str, str]:
    """`FACT=VALUE` into its two sides, or an AssumptionError (`example`: a fact to show)."""
    fact, sep, value = text.partition("=")
    if not sep or not fact.strip() or not value.strip():
        raise _error("CP1100", f"`--assume {text}` is not FACT=VALUE",
                     f"write the fact's path, `=` and its value, e.g. --assume {example}=true",
                     text)
    return fact.strip(), value.strip()


def apply(data: dict, assumptions: Sequence[str], vocabulary: Vocabulary,
          policy_facts: Iterable[str] = (), case: Any = None,
          item_facts: Iterable[str] = ()) -> tuple[dict, list[Assumed]]:
    """A copy of the case's fields `data` with each assumption set, in order, and the
    assumptions as recorded; an AssumptionError names every one that cannot be set. `case`,
    the validated case, gives the items of a list the file leaves to be derived (roles from
    positions), so that one of them can be assumed. `policy_facts` are the names of the
    facts the policy declares for the whole case (`facts.NAME`), `item_facts` those it
    declares per item decided (`awards[0].facts.NAME`)."""
    data = copy.deepcopy(data)
    declared = (list(policy_facts), list(item_facts))
    done, errors = [], []
    for given in assumptions:
        try:
            fact, written = split(given, vocabulary.roles.subject_example)
            value = _value(written, given)
            path = _set(data, fact, value, vocabulary, declared, given, case)
            first = next((a for a in done if a.fact == path), None)
            if first is not None:  # which value was meant is not for clawpolicy to guess
                raise _error("CP1103", f"`{path}` is assumed twice: "
                             f"{split(first.given)[1]}, then {written}",
                             "assume each fact once; to compare values, run check once with "
                             "each", given)
            done.append(Assumed(path, value, given))
        except AssumptionError as error:
            errors += error.diagnostics
    if errors:
        raise AssumptionError(errors)
    return data, done


def _value(written: str, given: str) -> Any:
    """The value as the YAML reader of case files reads it, amounts kept exact as text."""
    import yaml  # only for a what-if: a plain `check` of a JSON case never loads YAML

    from clawpolicy.input.yamlevents import ReadError, read_yaml

    if printable(written) != written:  # bytes that are not UTF-8 text: no value holds them
        raise _error("CP1102", f"`{written}` holds bytes that are not UTF-8 text",
                     "write the value as UTF-8 text", given)
    try:
        value = read_yaml(f"v: {written}\n", {})["v"]
    except (ReadError, yaml.YAMLError, KeyError, TypeError):
        raise _error("CP1102", f"`{written}` is not a value a case file can hold",
                     "write it as in a YAML case file: true, a word of the field's list, "
                     "350000, 2024-01-31, [A, B], or null for not known", given) from None
    return _plain(value)


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, Decimal)):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    return value  # a mapping: the vocabulary refuses it where a value is expected


def _set(data: dict, fact: str, value: Any, vocabulary: Vocabulary,
         declared: tuple[list[str], list[str]], given: str, model: Any) -> str:
    segments = fact.split(".")
    parsed = [_SEGMENT.fullmatch(s) for s in segments]
    if not all(parsed):
        raise _unknown(fact, "a fact's path is names joined by dots, an item of a list by "
                       "its index or key in brackets: awards[0].amount_paid", given)
    decls = vocabulary.declarations
    if parsed[0][1] == FACTS and parsed[0][2] is None:
        return _set_policy_fact(data, fact, [m[0] for m in parsed[1:]], value, declared,
                                given, "", vocabulary)
    fields = {f.name: f for f in decls.fields} | _CORE
    holder: Any = data
    path = ""
    for n, match in enumerate(parsed):
        name, index = match[1], match[2]
        last = n == len(parsed) - 1
        decl = fields.get(name)
        here = f"{path}.{name}" if path else name
        if name == FACTS and index is None and re.fullmatch(
                rf"{re.escape(vocabulary.roles.decided)}\[\d+\]", path):
            return _set_policy_fact(holder, fact, [m[0] for m in parsed[n + 1:]], value,
                                    declared, given, f"{path}.", vocabulary)
        if decl is None:
            raise _unknown(fact, _did_you_mean(name, list(fields), here), given)
        if index is not None and not decl.list:
            raise _unknown(fact, f"`{here}` is not a list: leave out `[{index}]`", given)
        if decl.record is None:
            if not last:
                raise _unknown(fact, f"`{here}` is a value, not a record", given)
            _check_word(decl, value, here, given)
            holder[name] = value
            return here
        record = decls.records[decl.record]
        if last and index is None:
            # A whole list or record, as an open question may ask it (`stock_sales=[]`,
            # `awards[0].performance_period=null`): set as the file would hold it, and
            # validated again as the file is.
            holder[name] = value
            return here
        if decl.list:
            if index is None:
                raise _unknown(fact, f"`{here}` is a list: name the item, e.g. "
                               f"`{here}[0]`", given)
            if not isinstance(holder.get(name), list):
                # Left to be derived (or absent): the items the validated case holds.
                derived = getattr(model, name, None) or []
                holder[name] = [item.model_dump(mode="json", by_alias=True) for item in derived]
            items = holder[name]
            i = _index(items, index, record.key, here, fact, given)
            holder, path = items[i], f"{here}[{i}]"
            model = _item(getattr(model, name, None), i)
            if last:
                raise _unknown(fact, f"`{path}` is a record: assume one of its facts, e.g. "
                               f"`{path}.{record.fields[0].name}`", given)
        else:
            if not isinstance(holder.get(name), dict):
                holder[name] = {}  # assumed into being: as if the file held the record
            holder, path = holder[name], here
            model = getattr(model, name, None)
        fields = {f.name: f for f in record.fields}
    raise AssertionError("unreachable: the last segment returns or raises")


def _check_word(decl: FieldDecl, value: Any, here: str, given: str) -> None:
    """A word of a fixed list, refused with the nearest word (the vocabulary would refuse it
    too, without the suggestion)."""
    words = value if isinstance(value, list) else [value]
    for word in words if decl.type == "enum" else []:
        if isinstance(word, str) and word not in decl.values:
            close = difflib.get_close_matches(word, decl.values, n=1)
            hint = f"did you mean `{close[0]}`? " if close else ""
            raise _error("CP1102", f"`{here}` cannot be {word!r}",
                         f"{hint}expected one of: {', '.join(decl.values)}", given)


def _item(items: Any, i: int) -> Any:
    return items[i] if isinstance(items, (list, tuple)) and i < len(items) else None


def _index(items: list, index: str, key: str | None, here: str, fact: str, given: str) -> int:
    if index.isdigit():
        if int(index) < len(items):
            return int(index)
        raise _unknown(fact, f"`{here}` has {len(items)} item(s): an index runs from 0 to "
                       f"{len(items) - 1}" if items else f"the case lists no `{here}`", given)
    keys = [str(item.get(key)) for item in items if isinstance(item, dict)] if key else []
    if index in keys:
        return keys.index(index)
    if not key:
        raise _unknown(fact, f"the items of `{here}` have no key: name one by its index", given)
    close = difflib.get_close_matches(index, keys, n=1)
    hint = f"did you mean `{here}[{close[0]}]`? " if close else ""
    listed = ", ".join(keys) if keys else "none"
    raise _unknown(fact, f"{hint}no item of `{here}` has the {key} `{index}` (the case has: "
                   f"{listed})", given)


def _set_policy_fact(holder: dict, fact: str, names: list[str], value: Any,
                     declared: tuple[list[str], list[str]], given: str, prefix: str,
                     vocabulary: Vocabulary) -> str:
    """A fact the policy declares, set in the `facts:` of `holder` (the case, with `prefix`
    empty, or an item of the list decided, at `prefix`); `declared`: the names the policy
    declares for the whole case and per item."""
    here, there = declared if not prefix else declared[::-1]
    if len(names) != 1:
        raise _unknown(fact, f"a policy's own fact is `{prefix}{FACTS}.NAME`", given)
    (name,) = names
    if name not in here:
        each = vocabulary.roles.each
        if name in there:  # declared, but at the other level
            raise _unknown(fact, f"the policy declares `{name}` per {each}: assume "
                           f"`{vocabulary.roles.decided}[ID].{FACTS}.{name}`" if not prefix
                           else f"the policy declares `{name}` once for the whole case: "
                           f"assume `{FACTS}.{name}`", given)
        expected = f"expected one of: {', '.join(here)}" if here \
            else f"the policy declares no facts {f'per {each}' if prefix else ''}".rstrip()
        close = difflib.get_close_matches(name, here, n=1)
        raise _unknown(fact, (f"did you mean `{prefix}{FACTS}.{close[0]}`? " if close else "")
                       + expected, given)
    if not isinstance(holder.get(FACTS), dict):
        holder[FACTS] = {}
    holder[FACTS][name] = value
    return f"{prefix}{FACTS}.{name}"


def _did_you_mean(name: str, known: list[str], here: str) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    prefix = here[: -len(name)]
    hint = f"did you mean `{prefix}{close[0]}`? " if close else ""
    return f"{hint}expected one of: {', '.join(known)}"


def _unknown(fact: str, help: str, given: str) -> AssumptionError:
    return _error("CP1101", f"`{fact}` is not a fact of the case", help, given)


def _error(code: str, message: str, help: str, given: str) -> AssumptionError:
    # An argument the system gave as bytes that are not UTF-8 is shown escaped (\xff).
    return AssumptionError([Diagnostic(code, printable(message), help,
                                       where=f"--assume {printable(given)}")])


def misfit(diagnostic: Diagnostic, assumed: Sequence[Assumed]) -> Diagnostic:
    """A validation error of the case once the assumptions are set, as the usage error of
    the assumption it comes from (the case itself was valid before them)."""
    where = diagnostic.where or ""
    field = where.rsplit(": ", 1)[-1]
    culprit = next((a for a in reversed(assumed)
                    if a.fact == field or a.fact.startswith((f"{field}.", f"{field}["))
                    or field.startswith((f"{a.fact}.", f"{a.fact}["))), None)
    culprit = culprit or (assumed[-1] if assumed else None)
    given = culprit.given if culprit else "?"
    return Diagnostic("CP1102", diagnostic.message, diagnostic.help,
                      where=f"--assume {given}")
