"""The memo as one self-contained HTML page: the memo's content (`memo.build`) beside the
policy's source text, the sentences that decided the case highlighted and each reason linked
to its sentence, and a timeline of each award's dates and windows drawn as inline SVG
(timeline.py).

Self-contained: no script, font, style sheet or image is fetched (a Content-Security-Policy
says so to the browser too). Every text is escaped, whatever a case supplies."""

from __future__ import annotations

from html import escape
from pathlib import PurePath

from clawpolicy.check import sentences as traced
from clawpolicy.core.source import SourceFile, visible
from clawpolicy.evaluate.determination import Determination
from clawpolicy.render import memo as memos
from clawpolicy.render import timeline

_CSS = """
body{font:15px/1.45 Georgia,serif;margin:0;color:#111;background:#fff}
.page{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:2rem;padding:1.5rem}
.page.alone{grid-template-columns:minmax(0,1fr)}
h1{font-size:1.5rem;margin:0 0 .5rem}h2{font-size:1.15rem;margin:1.6rem 0 .4rem}
table{border-collapse:collapse;margin:.4rem 0}td,th{border:1px solid #bbb;padding:.2rem .5rem;
text-align:left;vertical-align:top}th{background:#f1f1f1}
dl.header{display:grid;grid-template-columns:max-content auto;gap:.1rem 1rem;margin:0}
dl.header dt{font-weight:bold}dl.header dd{margin:0}
.outcome{font-size:1.1rem;font-weight:bold;margin:.8rem 0}
ul{padding-left:1.2rem}li{margin:.25rem 0}.detail{color:#333}
blockquote{margin:.2rem 0 .4rem 1rem;padding-left:.6rem;border-left:3px solid #c90;color:#333}
aside{border-left:1px solid #ddd;padding-left:1.5rem}
aside .sentences{max-height:90vh;overflow:auto;position:sticky;top:1rem}
aside p{margin:.35rem 0}mark.deciding{background:#ffe58a;padding:0 .1rem}
svg.timeline{display:block;margin:.4rem 0}
@media print{.page{display:block}aside .sentences{max-height:none;position:static}}
"""
_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; "
           "base-uri 'none'; form-action 'none'")


def render(d: Determination, source: SourceFile | None = None, level: str = "summary",
           vocabulary=None) -> str:
    m = memos.build(d, level, vocabulary)
    found = traced.sentences(source) if source is not None else []
    deciding = _deciding(source, found, m.deciding) if source is not None else {}
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{escape(m.title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
           f'<div class="page{"" if source is not None else " alone"}">',
           '<main class="memo">', f"<h1>{escape(m.title)}</h1>", '<dl class="header" id="header">']
    out += [f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in m.header]
    out += ["</dl>", f'<p class="outcome" id="outcome">Outcome: {escape(m.outcome)}</p>',
            "<h2>Summary</h2>", _table(m.summary, "summary")]
    by_id = {a.id: a for a in d.awards}
    if m.settled:
        # Each with its timeline, where the case dates it.
        out += ["<h2>Awards without recovery</h2>", _items(
            m.settled, deciding, lambda i: timeline.svg(by_id[i.award], d.as_of))]
    for part in m.awards:
        out += [f"<section class=\"award\"><h2>Award {escape(visible(part.id))}</h2>",
                f"<p>Outcome: {escape(part.outcome)}</p>", timeline.svg(by_id[part.id], d.as_of)]
        if part.arithmetic:
            out.append(_table(part.arithmetic))
        out += [_items(part.items, deciding), "</section>"]
    if m.others:
        out += ["<h2>Other amounts recoverable</h2>", _table(m.others)]
    if m.questions:
        out += ["<h2>Open questions</h2>", _table(m.questions, "questions")]
    if m.notes:
        out += ["<h2>Notes</h2>", _items(m.notes, deciding)]
    out.append("</main>")
    if source is not None:
        out += ['<aside class="source" id="source">', '<div class="sentences">',
                f"<h2>{escape(PurePath(source.name).name)}</h2>"]
        highlighted = _linked(m, deciding)
        out += [_sentence(s, s.number in highlighted) for s in found]
        out += ["</div>", "</aside>"]
    out += ["</div>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def deciding_sentences(source: SourceFile, d: Determination, level: str = "summary") -> set[int]:
    """The numbers of the source's sentences that decided the case: those where the
    quotations of the deciding reasons stand, each linked from a reason the page shows."""
    m = memos.build(d, level)
    return _linked(m, _deciding(source, traced.sentences(source), m.deciding))


def _linked(m: memos.Memo, deciding: dict[str, list[int]]) -> set[int]:
    """The sentences the reasons the page shows link to: the ones highlighted, so that no
    sentence is highlighted that no reason links to."""
    shown = [*m.settled, *(i for part in m.awards for i in part.items), *m.notes]
    return {n for i in shown if i.quote for n in deciding.get(traced.normalize(i.quote), ())}


def _deciding(source: SourceFile, found, items: list[memos.Item]) -> dict[str, list[int]]:
    """Each deciding quotation (white space folded) and the sentences it stands in, the
    first its reason links to: for each of its parts (a rule may quote several passages,
    joined by " … "), the sentence the part identifies, or else the first it stands in (a
    short quotation, "to the extent permitted by law", identifies no sentence by its share of
    the words, but is still read where it stands)."""
    quotes = list(dict.fromkeys(traced.normalize(i.quote) for i in items
                                if i.quote and i.source == "policy"))
    parts = [(q, p) for q in quotes for p in dict.fromkeys(q.split(" … ")) if p]
    quoted = [traced.Quotation(None, p, None) for _, p in parts]
    first: dict[int, int] = {}
    identified: dict[int, int] = {}
    for number, index, _, identifies in traced.coverage(source, found, quoted):
        first.setdefault(index, number)
        if identifies:
            identified.setdefault(index, number)
    result: dict[str, list[int]] = {}
    for index, (quote, _) in enumerate(parts):
        number = identified.get(index, first.get(index))
        if number is not None and number not in result.setdefault(quote, []):
            result[quote].append(number)
    return {q: numbers for q, numbers in result.items() if numbers}


def _sentence(s: traced.Sentence, highlighted: bool) -> str:
    body = escape(s.text)
    if highlighted:
        return f'<p id="s-{s.number}"><mark class="deciding">{body}</mark></p>'
    return f'<p id="s-{s.number}">{body}</p>'


def _table(table: memos.Table, ident: str | None = None) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
    rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                   for row in table.rows)
    at = f' id="{ident}"' if ident else ""
    return f"<table{at}><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _items(items: list[memos.Item], deciding: dict[str, list[int]], after=None) -> str:
    """A list of the memo's items; `after(item)`: what follows an item's text, if any."""
    out = ["<ul>"]
    for item in items:
        numbers = deciding.get(traced.normalize(item.quote), []) if item.quote else []
        text = escape(item.text)
        if numbers:  # the first sentence it quotes, then any other (quoting several passages)
            text = f'<a class="reason" href="#s-{numbers[0]}">{text}</a>' + "".join(
                f' <a class="reason-also" href="#s-{n}">(and sentence {n})</a>'
                for n in numbers[1:])
        out.append(f"<li>{text}")
        out += [f'<div class="detail">{escape(detail)}</div>' for detail in item.details]
        if item.quote and not item.brief:
            out.append(f"<blockquote>{escape(item.quote)}</blockquote>")
        if after is not None:
            out.append(after(item))
        out.append("</li>")
    out.append("</ul>")
    return "\n".join(out)
