"""What a what-if (`check --assume`) changes in the memo: the assumptions stated in its header,
and each assumed fact marked `[assumed]` wherever the memo cites it (a reason naming it) or
shows its value (the header's participant, roles and standing and `As of`, an award's kind and
dates in the summary table, its amounts in the recovery arithmetic), so that the memo never
reads as if the case said so. A value the memo derives from an assumed one (`Unpaid`, roles
from assumed titles) is not marked itself: the reasons show what it came from."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from clawpolicy.evaluate.determination import Determination

if TYPE_CHECKING:
    from clawpolicy.render.memo import Memo

ASSUMED = "[assumed]"


def supplied(d: Determination, vocabulary) -> Callable[..., str]:
    """For the header: `mark(path, value, item)` is ` [assumed]` where `value`, shown as the
    subject's fact at `path` (a path of `[roles.summary]`: `roles.role`, `section16_officer`)
    and read from the item `item` of the subject's list where the path runs through one, is
    one an assumption supplied (the fact itself, or the item, record or list it is in), else
    "". An assumption about one item of a list (`roles[1].level`) supplies that item's values
    alone: another item with the same value is what the case says."""
    given = []
    for a in d.assumptions or []:
        parts = [re.fullmatch(r"([^\[]*)(?:\[(\d+)\])?.*", part) for part in a.fact.split(".")]
        if parts[0][1] == vocabulary.roles.subject and len(parts) > 1:
            index = parts[1][2]  # the item of the subject's list, where the fact names one
            given.append(([p[1] for p in parts[1:]], None if index is None else int(index),
                          a.value))

    def mark(path: str, value: Any, item: int | None = None) -> str:
        names = path.split(".")
        return f" {ASSUMED}" if any(
            names[:len(under)] == under and (index is None or index == item)
            and any(_same(v, value) for v in _at(said, names[len(under):]))
            for under, index, said in given) else ""
    return mark


def _at(value: Any, names: list[str]) -> list[Any]:
    """The values at the path `names` in an assumed value (a list's items one by one)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [v for item in value for v in _at(item, names)]
    if not names:
        return [value]
    return _at(value.get(names[0]), names[1:]) if isinstance(value, dict) else []


def _same(assumed: Any, shown: Any) -> bool:
    if isinstance(assumed, bool) or isinstance(shown, bool):
        return assumed is shown
    return str(assumed) == str(shown)


def _as_given(value: Any) -> str:
    """An assumed value as the case file would write it: a list as a list (`[CFO, CEO]`, not
    alternatives), a record as a record (`{role: chief_financial_officer}`), a text quoted
    where its characters would read as the notation's own; a flag, alone, as yes or no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _notation(value)


def _notation(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_notation(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_notation(v)}" for k, v in value.items()) + "}"
    text = str(value)
    quoted = not text or text != text.strip() or any(c in text for c in ",[]{}:#\"'") \
        or text in ("true", "false", "null", "yes", "no")
    return json.dumps(text, ensure_ascii=False) if quoted and isinstance(value, str) else text


def mark_assumed(d: Determination, memo: Memo, vocabulary) -> None:
    """The assumptions stated in the header, and each assumed fact marked wherever a reason
    cites it (by its path, or by the words a reason names it with) and where the memo shows
    its value."""
    said = [f"{a.fact} = {'not known' if a.value is None else _as_given(a.value)}"
            for a in d.assumptions]
    memo.header.append(("What-if", "determined as if the case said " + "; ".join(said)
                        + f" (each marked {ASSUMED} where it is cited)"))
    summary_keys = {path: key for key, path in vocabulary.roles.item_summary}
    names, shown = [], set()  # shown: (award id, or "" for the case; the fact's summary key)
    for a in d.assumptions:
        names.append(a.fact)
        *record, last = re.split(r"\.(?![^\[]*\])", a.fact)
        item = re.fullmatch(r"(\w+)\[([^\]]+)\]", record[-1]) if record else None
        key = item[2] if item else None
        if item and key.isdigit() and item[1] == vocabulary.roles.decided \
                and int(key) < len(d.awards):
            key = d.awards[int(key)].id  # a decided item is cited by its id
        owner = (key if item else ".".join(record)) if record else ""
        names += [f"{owner}: {label}" if owner else label
                  for label in vocabulary.labels_of(last)]
        if not record:
            shown.add(("", last))
        elif item and item[1] == vocabulary.roles.decided and len(record) == 1:
            shown.add((key, summary_keys.get(last)))
    mark_shown(memo, shown)
    pattern = re.compile("(" + "|".join(re.escape(n) for n in sorted(set(names), key=len,
                                                                     reverse=True))
                         + r")(?![\w\[.])")

    def mark(text: str) -> str:
        return pattern.sub(lambda m: f"{m[1]} {ASSUMED}", text)

    for item in [*memo.settled, *(i for part in memo.awards for i in part.items), *memo.notes]:
        item.text = mark(item.text)
        item.details = [mark(detail) for detail in item.details]
    for table in (memo.others, memo.questions):
        if table is not None:
            table.rows = [[mark(cell) for cell in row] for row in table.rows]


# Where the memo shows a fact itself rather than a reason citing it: the header's rows by the
# case's field, and the cells of the summary table and of the recovery arithmetic by the key
# of the award's facts ([roles.item_summary]) they show.
_HEADER_FACTS = {"As of": "as_of"}
_SUMMARY_FACTS = {"Kind": ("kind",), "Granted": ("grant_date",),
                  "Received": ("receipt_date", "attainment_date")}
_ARITHMETIC_FACTS = {"Awarded": ("awarded",), "As restated": ("as_restated", "estimate"),
                     "Paid": ("paid",)}


def mark_shown(memo: Memo, shown: set[tuple[str, str | None]]) -> None:
    """Each assumed fact marked where the memo shows its value: the as-of date in the header,
    an award's dates and kind in the summary, its amounts in its recovery arithmetic."""
    def mark(owner: str, facts) -> str:
        return f" {ASSUMED}" if any((owner, f) in shown for f in facts) else ""

    memo.header = [(label, value + mark("", [_HEADER_FACTS.get(label)]))
                   for label, value in memo.header]
    columns = memo.summary.columns
    memo.summary.rows = [[cell + mark(row[0], _SUMMARY_FACTS.get(columns[i], ()))
                          for i, cell in enumerate(row)] for row in memo.summary.rows]
    for part in memo.awards:
        if part.arithmetic is not None:
            part.arithmetic.rows = [[step, amount + mark(part.id, _ARITHMETIC_FACTS.get(step, ()))]
                                    for step, amount in part.arithmetic.rows]
