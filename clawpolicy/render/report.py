"""The report a board, the auditors or a proxy statement's Item 402(w) disclosure reads, from
many determinations (`check --batch`'s JSON Lines): one row per participant and award, the
totals per unit, and a summary of the aggregate, what is still outstanding, the estimates the
amounts rest on and the exceptions relied on with the amounts they excused. Built once
(`build`), laid out as CSV, Markdown, HTML or an XLSX workbook; it decides nothing and adds
only what the determinations say, each amount in its unit (never two units in one sum).

Determinations are read as the JSON objects they are, so that fields added to the contract
(`excused`, `recovered`, `outstanding` and their case totals) are reported where present."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from typing import Any

from clawpolicy.core.source import visible
from clawpolicy.render.layout import escape_markdown
from clawpolicy.render.memo import OUTCOME_WORDS, Table, place, said, words

TOTALS = ("total_recoverable", "total_excused", "total_recovered", "total_outstanding")


@dataclass
class Report:
    awards: Table
    totals: Table
    summary: Table
    estimates: Table
    exceptions: Table
    not_determined: Table
    # The amounts of the tables, as numbers, for a workbook: (table, row, column) -> Decimal.
    numbers: dict[tuple[str, int, int], Decimal] = field(default_factory=dict)

    def tables(self) -> list[tuple[str, Table]]:
        return [("Awards", self.awards), ("Totals per unit", self.totals),
                ("Item 402(w) summary", self.summary), ("Estimates used", self.estimates),
                ("Exceptions relied on", self.exceptions),
                ("Cases not determined", self.not_determined)]


class _Pseudonyms:
    """Pseudonyms keyed by a secret: HMAC-SHA256 of the id under the key, so that no one
    without the key can tell an id from its pseudonym (not by hashing a list of likely ids,
    as they could an unkeyed hash). The same key gives the same pseudonym in every report;
    without one (`key` None), a fresh random key is drawn, and pseudonyms are the same only
    within this report."""

    def __init__(self, on: bool, key: bytes | None = None):
        self.on = on
        self.key = key if key is not None else secrets.token_bytes(32)

    def __call__(self, prefix: str, value: str | None) -> str:
        if not self.on or value is None:
            return value or ""
        digest = hmac.new(self.key, f"{prefix}:{value}".encode(), hashlib.sha256).hexdigest()
        return f"{prefix}-{digest[:12]}"

    def text(self, text: str, ids: list[tuple[str, str | None]], person: str | None) -> str:
        """A text that names the case's ids (an open question: "What would award psu-2022
        have been ...?"), each replaced by its pseudonym, and the person's name left out."""
        if not self.on:
            return text
        found = [(value, self(prefix, value)) for prefix, value in ids if value]
        found += [(person, "the participant")] if person else []
        for value, pseudonym in sorted(found, key=lambda f: -len(f[0])):
            text = text.replace(value, pseudonym)
        return text


def _amounts(value: Any) -> list[tuple[Decimal, str]]:
    """An amount field of the contract (one `{amount, unit}` or a list) as (amount, unit)."""
    if not value:
        return []
    items = value if isinstance(value, list) else [value]
    return [(Decimal(a["amount"]), a["unit"]) for a in items]


def _amount_of(value: dict | None) -> dict | None:
    return {"amount": value["amount"], "unit": value["unit"]} if value else None


def _shown(amounts: list[tuple[Decimal, str]]) -> str:
    """Amounts as the determinations give them (already quantized), with thousands marked."""
    return " and ".join(_money(a, u) for a, u in amounts)


def _reach(remedy: dict) -> str:
    """What a remedy reaches: its range where how the amount splits is not known."""
    span = remedy.get("up_to_range")
    if span:
        return f"{_shown(_amounts(span['min']))} to {_shown(_amounts(span['max']))}"
    return _shown(_amounts(remedy["up_to"]))


def _money(amount: Decimal, unit: str) -> str:
    whole, point, fraction = format(amount, "f").partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}{point}{fraction} {unit}"


def build(determinations: list[dict], errors: list[dict], redact: bool = False,
          key: bytes | None = None, vocabulary=None) -> Report:
    """The report; redacted, ids become pseudonyms keyed by `key` (a random one when None).
    Its words of the case (an award's kind and measures) are `vocabulary`'s: the one the
    determinations were made with (the shipped one where none is given)."""
    name = _Pseudonyms(redact, key)
    numbers: dict[tuple[str, int, int], Decimal] = {}
    rows, estimates, exceptions = [], [], {}
    sums: dict[str, dict[str, Decimal]] = {k: {} for k in TOTALS}
    counted: dict[str, int] = {k: 0 for k in TOTALS}
    outcomes: dict[str, int] = {}
    summary = _Summary()
    for d in determinations:
        summary.read(d)
        person = d.get("participant") or {}
        who = [name("P", person.get("id")), "" if redact else person.get("name") or "",
               name("C", d["case_id"])]
        outcomes[d["outcome"]] = outcomes.get(d["outcome"], 0) + 1
        for key in TOTALS:
            if key in d:
                counted[key] += 1
                for amount, unit in _amounts(d[key]):
                    sums[key][unit] = sums[key].get(unit, Decimal(0)) + amount
        questions = name.text("; ".join(q["question"] for q in d.get("open_questions", [])),
                              [("A", a["id"]) for a in d["awards"]]
                              + [("P", person.get("id")), ("C", d["case_id"])],
                              person.get("name"))
        for a in d["awards"]:
            award = name("A", a["id"])
            recoverable = _amounts(a.get("recoverable")) if a["outcome"] == "recovery" else []
            if recoverable:
                numbers[("awards", len(rows), 5)] = recoverable[0][0]
            rows.append([*who, award, OUTCOME_WORDS[a["outcome"]].lower(),
                         str(recoverable[0][0]) if recoverable else "",
                         recoverable[0][1] if recoverable else "",
                         "; ".join(f"{r['kind']} ({r['modality']}) {_reach(r)}"
                                   for r in a.get("remedies", [])),
                         _shown(_amounts(_amount_of(a.get("excused")))),
                         _shown(_amounts(a.get("outstanding"))),
                         questions if a["outcome"] == "pending" else ""])
            over = _over_recovered(a)
            if over:
                summary.over.append((over, f"{who[2]}, award {award}"))
            facts = a.get("facts") or {}
            # An estimate the amount was determined on: not where the amount's rule did not
            # read the restated amount (all that was received, under Sarbanes-Oxley 304).
            reads = (a.get("recoverable_rule") or {}).get("reads")
            if facts.get("estimate") and (reads is None or "as_restated" in reads):
                estimates.append([*who[:1], who[2], award, said(facts.get("kind"), vocabulary),
                                  ", ".join(said(b, vocabulary)
                                            for b in facts.get("measures") or []),
                                  _shown(_amounts({"amount": facts["as_restated"],
                                                   "unit": facts.get("unit") or ""}))
                                  if facts.get("as_restated") else "not known"])
            excused = a.get("excused")
            if excused:
                key = (excused.get("exception", ""), excused.get("clause", ""))
                per_unit = exceptions.setdefault(key, {})
                per_unit[excused["unit"]] = per_unit.get(excused["unit"], Decimal(0)) \
                    + Decimal(excused["amount"])
        for o in d.get("other_recoverable", []):
            amount, unit = _amounts(o["amount"])[0]
            numbers[("awards", len(rows), 5)] = amount
            rows.append([*who, name("S", place(o["source"])), "recovery", str(amount), unit,
                         f"{o['rule']}", "", "", ""])
    units = sorted({u for s in sums.values() for u in s})
    totals = []
    for i, unit in enumerate(units):
        row = [unit]
        for j, key in enumerate(TOTALS):
            value = sums[key].get(unit)
            row.append(str(value) if value is not None else "")
            if value is not None:
                numbers[("totals", i, j + 1)] = value
        totals.append(row + ["; ".join(summary.caveats(unit, counted))])
    report = Report(
        Table(["Participant", "Name", "Case", "Award", "Outcome", "Recoverable", "Unit",
               "Remedies", "Excused", "Outstanding", "Open questions"], rows),
        Table(["Unit", "Recoverable", "Excused", "Recovered", "Outstanding", "Notes"], totals),
        Table(["Item", "Amount"], summary.rows(determinations, sums, counted, outcomes,
                                               len(errors))),
        Table(["Participant", "Case", "Award", "Kind", "Measures",
               "Amount as restated (estimate)"],
              estimates),
        Table(["Exception", "Clause", "Amount excused"],
              [[e, c, _shown([(v, u) for u, v in sorted(per.items())])]
               for (e, c), per in exceptions.items()]),
        Table(["Source", "Errors"], [[name("S", str(e.get("source", ""))), "; ".join(
            _error(x, redact) for x in e.get("errors", []))] for e in errors]),
        numbers)
    # What a case supplies (names, ids, open questions, errors quoting its values) with its
    # control characters shown as escapes, in every format, as in the memo.
    for _, table in report.tables():
        table.rows = [[visible(cell) for cell in row] for row in table.rows]
    return report


def _over_recovered(award: dict) -> tuple[str, Decimal, str] | None:
    """Where the determination records more recovered from an award than is recoverable from
    it (in the same unit): the unit and the two amounts, as the determination holds them.
    The report says so; the determination itself records no note of it."""
    recovered, recoverable = _amounts(award.get("recovered")), _amounts(award.get("recoverable"))
    if recovered and recoverable and recovered[0][1] == recoverable[0][1] \
            and recovered[0][0] > recoverable[0][0]:
        unit = recovered[0][1]
        return unit, recovered[0][0] - recoverable[0][0], \
            f"{_shown(recovered)} recorded as recovered, {_shown(recoverable)} recoverable"
    return None


def _error(error: dict, redact: bool) -> str:
    """One error of a case not determined. Redacted, the message (which may quote the case's
    own values, a name among them) gives way to the field it is about and what was expected,
    which come from the vocabulary, not from the case."""
    if not redact:
        return f"{error.get('code')}: {error.get('message')}"
    where = str(error.get("where") or "")
    field = where.rpartition(": ")[2] if ": " in where else ""
    return f"{error.get('code')}" + (f" at {field}" if field else "") + \
        (f": {error['help']}" if error.get("help") else "")


class _Summary:
    """The Item 402(w)-style summary's amounts, each labelled by what the determinations say
    it is. The engine knows no clawback law, so no amount is called "erroneously awarded
    compensation": each award's `recoverable_compensation` (its amount before any exception
    and before the remedies cap it) is added under the rule that computed it
    (`recoverable_from`: the policy's own amount rule, or a revision's that replaced it, such
    as one that takes a whole amount rather than the excess); amounts recoverable that are not
    awards (`other_recoverable`, such as profits on sales of stock) by their rule; what an
    exception excused is listed beside those amounts, never subtracted from them."""

    def __init__(self) -> None:
        self.computed: dict[str, dict[str, Decimal]] = {}
        self.others: dict[tuple[str, str], dict[str, Decimal]] = {}
        self.excused: dict[str, Decimal] = {}
        self.recovering = 0  # determinations with an award recovered from
        # Awards with more recorded as recovered than recoverable: ((unit, beyond, words), who).
        self.over: list[tuple[tuple[str, Decimal, str], str]] = []

    def caveats(self, unit: str, counted: dict[str, int]) -> list[str]:
        """What a unit's totals do not say by themselves: recoveries not recorded in some of
        the determinations with a recovery, and awards with more recovered than recoverable."""
        unrecorded: dict[int, list[str]] = {}
        for key in ("total_recovered", "total_outstanding"):
            if self.recovering > counted[key]:
                unrecorded.setdefault(self.recovering - counted[key], []).append(
                    key.removeprefix("total_").capitalize())
        out = [f"{' and '.join(keys)} not recorded in {missing} of {self.recovering} "
               "determinations with a recovery" for missing, keys in unrecorded.items()]
        beyond = [amount for (u, amount, _), _ in self.over if u == unit]
        if beyond:
            out.append(f"more recorded as recovered than recoverable in {len(beyond)} award"
                       + ("s" if len(beyond) > 1 else "") + f" ({_shown([(sum(beyond), unit)])}"
                       " beyond; see the Item 402(w) summary)")
        return out

    @staticmethod
    def _add(sums: dict[str, Decimal], amounts: list[tuple[Decimal, str]]) -> None:
        for amount, unit in amounts:
            sums[unit] = sums.get(unit, Decimal(0)) + amount

    def read(self, d: dict) -> None:
        for a in d["awards"]:
            computed = _amounts(a.get("recoverable_compensation"))
            if computed and a["outcome"] in ("recovery", "no_recovery"):  # decided
                self._add(self.computed.setdefault(a.get("recoverable_from") or "policy", {}),
                          computed)
            self._add(self.excused, _amounts(_amount_of(a.get("excused"))))
        for o in d.get("other_recoverable", []):
            self._add(self.others.setdefault((o.get("rule", ""), o.get("revision") or ""), {}),
                      _amounts(o["amount"]))
        self.recovering += any(a["outcome"] == "recovery" for a in d["awards"]) \
            or bool(d.get("other_recoverable"))

    def rows(self, determinations, sums, counted, outcomes, unread) -> list[list[str]]:
        def total(key: str, could: int) -> str:
            if counted[key] == 0:
                return "not recorded in these determinations"
            missing = max(could - counted[key], 0)
            return (_listed(sums[key]) or "none") + (
                f" (not recorded in {missing} of {could} determinations with a recovery)"
                if missing else "")
        rows = [["Cases determined", str(len(determinations))],
                ["Cases not determined", str(unread)]]
        rows += [[f"Cases: {OUTCOME_WORDS[o].lower()}", str(n)]
                 for o, n in sorted(outcomes.items())]
        for source in sorted(self.computed, key=lambda s: (s != "policy", s)):
            rule = "the policy's amount rule" if source == "policy" else \
                f"the amount rule of revision {source}"
            rows.append([f"Recoverable compensation under {rule}, before exceptions",
                         _listed(self.computed[source]) or "none"])
        for (rule, revision), per in sorted(self.others.items()):
            rows.append([f"Other amounts recoverable: {words(rule)} ("
                         + (f"revision {revision}" if revision else "the policy") + ")",
                         _listed(per)])
        rows += [["Excused under an exception (included above, not recovered)",
                  _listed(self.excused) or "none"],
                 ["Total recoverable after exceptions and remedies",
                  total("total_recoverable", len(determinations))],
                 ["Recovered", total("total_recovered", self.recovering)],
                 ["Outstanding", total("total_outstanding", self.recovering)]]
        rows += [[f"Recorded as recovered beyond the amount recoverable: {who}", words]
                 for (_, _, words), who in self.over]
        return rows


def _listed(sums: dict[str, Decimal]) -> str:
    """Sums per unit, in the order of their units."""
    return _shown(sorted(((v, u) for u, v in sums.items()), key=lambda a: a[1]))


# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")


def _inert(value: str) -> str:
    """A CSV field a spreadsheet reads as the text it is: one that would start a formula
    (a case's name `=HYPERLINK(...)`) prefixed with `'`, as OWASP's guidance on CSV
    injection says; an amount (`-5.00`) is a number, and stays one."""
    return f"'{value}" if value.startswith(_FORMULA_START) and not _NUMBER.match(value) \
        else value


def csv_text(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for i, (title, table) in enumerate(report.tables()):
        if i:
            writer.writerow([])
        writer.writerow([f"# {title}"])
        writer.writerow(table.columns)
        writer.writerows([_inert(v) for v in row] for row in table.rows)
    return out.getvalue()


def markdown(report: Report, title: str) -> str:
    out = [f"# {escape_markdown(title)}"]
    for name, table in report.tables():
        out += ["", f"## {name}", ""]
        if not table.rows:
            out.append("None.")
            continue
        out.append("| " + " | ".join(escape_markdown(c) for c in table.columns) + " |")
        out.append("|" + "---|" * len(table.columns))
        out += ["| " + " | ".join(escape_markdown(c) for c in row) + " |" for row in table.rows]
    return "\n".join(out) + "\n"


def html(report: Report, title: str) -> str:
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
           'style-src \'unsafe-inline\'">', f"<title>{escape(title)}</title>",
           "<style>body{font:14px/1.4 Georgia,serif;margin:1.5rem}table{border-collapse:"
           "collapse}td,th{border:1px solid #bbb;padding:.2rem .5rem;text-align:left}"
           "th{background:#f1f1f1}</style>", "</head>", "<body>", f"<h1>{escape(title)}</h1>"]
    for name, table in report.tables():
        out.append(f"<h2>{escape(name)}</h2>")
        if not table.rows:
            out.append("<p>None.</p>")
            continue
        out.append("<table><thead><tr>" + "".join(f"<th>{escape(c)}</th>"
                                                  for c in table.columns) + "</tr></thead>")
        out.append("<tbody>" + "\n".join(
            "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
            for row in table.rows) + "</tbody></table>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def xlsx(report: Report, target) -> None:
    """The report as a workbook, one sheet per table, amounts as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    keys = {"Awards": "awards", "Totals per unit": "totals"}
    for name, table in report.tables():
        sheet = book.create_sheet(name[:31])
        sheet.append(table.columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for r, row in enumerate(table.rows):
            sheet.append([report.numbers.get((keys.get(name, ""), r, c), value)
                          for c, value in enumerate(row)])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):  # text, never a formula (a case's `=...`)
                    cell.data_type = "s"
                    cell.quotePrefix = cell.value.startswith(_FORMULA_START)
    book.save(target)
