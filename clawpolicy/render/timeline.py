"""An award's timeline as inline SVG, for the HTML memo: the dates the case records of it
(grant, attainment, receipt, the filing and first issuance of the statements it was
calculated on) and the as-of date, one row each on one scale; above them, the windows its
conditions compared a date with (`Condition.windows`: the look-back, a 12-month window, an
effective date), each with its clause, the date compared marked inside or outside it.

It draws what the determination records and decides nothing: a window's bounds are those
the condition computed. A side without a bound is open and drawn faint to the edge; where a
bound is a period counted from a date, the period is drawn from that date."""

from __future__ import annotations

import datetime as dt
from html import escape

from clawpolicy.core.source import visible
from clawpolicy.evaluate.determination import AwardResult, Window

# One scale from the earliest date to the latest; labels of events to their right.
_WIDTH, _ROW, _LEFT, _RIGHT = 640, 18, 12, 250
_LINE = 13  # the height of a line of a window's words
_BAND, _OPEN, _IN, _OUT, _EVENT, _AS_OF = "#6f93c4", "#dde7f4", "#2a7a3b", "#c33", "#236", "#c33"


def svg(a: AwardResult, as_of: str) -> str:
    """The award's timeline, or "" where neither the case nor its conditions date anything
    but the as-of date."""
    f = a.facts
    events = [("grant", f.grant_date), ("attainment", f.attainment_date),
              ("receipt", f.receipt_date)]
    events += [("statements filed", day) for day in f.filed or []]
    events += [("statements issued", day) for day in f.issued or []]
    dated = sorted(((dt.date.fromisoformat(day), what) for what, day in events if day),
                   key=lambda e: e[0])
    # Two lines each, whatever the text's length: the clause (the policy's words), then the
    # date compared and the bounds.
    windows = [(c, w, [visible(f"{c.clause or c.id}:"), visible(window_words(w))])
               for c in a.conditions for w in c.windows or []]
    if not dated and not windows:
        return ""
    dated.append((dt.date.fromisoformat(as_of), "as of"))
    dated.sort(key=lambda e: e[0])
    days = [d for d, _ in dated] + [dt.date.fromisoformat(x) for _, w, _ in windows
                                    for x in (w.date, w.start, w.end, w.counted_from) if x]
    first, last = min(days), max(days)
    scale = _Scale(first, max((last - first).days, 1))
    top = sum(_LINE * len(lines) + _ROW for _, _, lines in windows)
    height = top + _ROW * len(dated) + 12
    label = escape(f"Timeline of award {visible(a.id)}")
    parts = [f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" '
             f'height="{height}" viewBox="0 0 {_WIDTH} {height}" role="img" '
             f'aria-label="{label}">', f"<title>{label}</title>"]
    y = 12
    for _, window, lines in windows:
        parts += _window(window, lines, scale, y)
        y += _LINE * len(lines) + _ROW
    parts.append(f'<line x1="{_LEFT}" y1="{height - 6}" x2="{scale.right}" y2="{height - 6}" '
                 'stroke="#888" stroke-width="1"/>')
    for row, (day, what) in enumerate(dated):
        x, y = scale.x(day), top + _ROW * row + 12
        parts += [f'<line x1="{x}" y1="{y}" x2="{x}" y2="{height - 6}" stroke="#ccc" '
                  'stroke-dasharray="2,2"/>',
                  f'<circle cx="{x}" cy="{y}" r="4" '
                  f'fill="{_AS_OF if what == "as of" else _EVENT}"/>',
                  f'<text x="{x + 8}" y="{y + 4}" font-size="12">'
                  f"{escape(what)} {day.isoformat()}</text>"]
    parts.append("</svg>")
    return "".join(parts)


class _Scale:
    def __init__(self, first: dt.date, span: int):
        self.first, self.span = first, span
        self.usable = _WIDTH - _LEFT - _RIGHT
        self.right = _LEFT + self.usable

    def x(self, day: dt.date | str) -> int:
        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        return _LEFT + round(self.usable * (day - self.first).days / self.span)


def window_words(w: Window) -> str:
    """`bonus-fy2021: received after 2022-02-09, on or before 2023-02-09`."""
    bounds = []
    if w.start:
        bounds.append(f"{'on or after' if w.start_included else 'after'} {w.start}")
    if w.end:
        bounds.append(f"{'on or before' if w.end_included else 'before'} {w.end}")
    counted = w.counted_from not in (None, w.start, w.end)
    return f"{w.fact} {', '.join(bounds)}" + (f" (counted from {w.counted_from})"
                                              if counted else "")


def _window(w: Window, lines: list[str], scale: _Scale, y: int) -> list[str]:
    """A window's row: its clause and bounds in words (`lines`), the band, the date
    compared."""
    words = " ".join(lines)
    # The period drawn solid: between its bounds, a missing one taken from the date the
    # period is counted from; an open side runs faint to the edge.
    counted = w.counted_from
    low = w.start or (counted if counted and w.end and counted < w.end else None)
    high = w.end or (counted if counted and w.start and counted > w.start else None)
    faint_low = scale.x(w.start) if w.start else _LEFT
    faint_high = scale.x(w.end) if w.end else scale.right
    band = y + _LINE * (len(lines) - 1) + 5
    text = "".join(f'<tspan x="{_LEFT}" y="{y + _LINE * i}">{escape(line)}</tspan>'
                   for i, line in enumerate(lines))
    parts = ['<g class="window">', f'<text font-size="11">{text}</text>']
    if not (w.start and w.end):
        parts.append(f'<rect x="{faint_low}" y="{band}" width="{max(faint_high - faint_low, 1)}" '
                     f'height="8" fill="{_OPEN}"><title>{escape(words)}</title></rect>')
    if low and high:
        parts.append(f'<rect x="{scale.x(low)}" y="{band}" '
                     f'width="{max(scale.x(high) - scale.x(low), 1)}" height="8" '
                     f'fill="{_BAND}"><title>{escape(words)}</title></rect>')
    for bound, included in ((w.start, w.start_included), (w.end, w.end_included)):
        if bound:  # a bound excluded is drawn dashed
            x = scale.x(bound)
            parts.append(f'<line x1="{x}" y1="{band - 3}" x2="{x}" y2="{band + 11}" '
                         f'stroke="#234" stroke-width="1.5"'
                         + ("" if included else ' stroke-dasharray="2,2"') + "/>")
    x = scale.x(w.date)
    colour = _IN if w.inside else _OUT
    parts.append(f'<path d="M{x} {band - 2}l5 6-5 6-5-6z" fill="{colour}">'
                 f"<title>{escape(visible(w.fact))} {w.date}: "
                 f"{'inside' if w.inside else 'outside'} the window</title></path></g>")
    return parts
