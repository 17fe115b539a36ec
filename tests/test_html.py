"""The HTML memo as a reader sees it (headless Chromium, from Debian's `chromium` package),
and the memo in HTML and Markdown against hostile text from a case: whatever a case supplies
stays text, never an element or an attribute."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser

import pytest
import yaml

from clawpolicy.api import evaluate, read_case, read_case_bytes
from clawpolicy.render import html, layout
from clawpolicy.tools.lint import source_document
from tests.conftest import COMPANY_CASES, EXAMPLE_CASES, REVISION_CASES

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(n)), None)
UNDER_CI = os.environ.get("CI") == "true"

# What a reader sees, measured in the browser by a script injected into a copy of the page
# (the page itself carries no script, and its Content-Security-Policy forbids one: the copy
# drops that line). The result is written into the page, which Chromium prints.
PROBE = """<script>
function seen(el) {
  if (!el) return false;
  const box = el.getBoundingClientRect(), style = getComputedStyle(el);
  return box.width > 0 && box.height > 0 && style.visibility !== 'hidden'
    && style.display !== 'none' && parseFloat(style.opacity) > 0;
}
const marks = [...document.querySelectorAll('mark.deciding')];
const svgs = [...document.querySelectorAll('svg.timeline')];
const links = [...document.querySelectorAll('a.reason')];
const result = {
  header: seen(document.getElementById('header')),
  header_text: document.getElementById('header').innerText,
  summary: seen(document.getElementById('summary')),
  summary_rows: document.querySelectorAll('#summary tbody tr').length,
  highlighted: marks.filter(seen).length,
  highlight_colour: marks.length ? getComputedStyle(marks[0]).backgroundColor : '',
  timelines: svgs.map(s => { const b = s.getBBox(); return [b.width, b.height]; }),
  windows: [...document.querySelectorAll('svg.timeline g.window')].map(g => {
    const b = g.getBBox(); return b.width > 0 && b.height > 0; }),
  links_resolve: links.every(a => document.getElementById(a.getAttribute('href').slice(1))),
  links: links.length,
};
const out = document.createElement('pre');
out.id = 'probe-result';
out.textContent = JSON.stringify(result);
document.body.appendChild(out);
</script>"""


def _seen_in_chromium(page: str, tmp_path) -> dict:
    probed = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    probed = probed.replace("</body>", PROBE + "\n</body>")
    target = tmp_path / "memo.html"
    target.write_text(probed, encoding="utf-8")
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}",
         "--window-size=1400,1000", "--dump-dom", target.as_uri()],
        capture_output=True, text=True, timeout=120)
    found = re.search(r'<pre id="probe-result">(.*?)</pre>', result.stdout, re.S)
    assert found, result.stderr[-2000:]
    return json.loads(found.group(1).replace("&lt;", "<").replace("&gt;", ">")
                      .replace("&quot;", '"').replace("&amp;", "&"))


@pytest.mark.skipif(CHROMIUM is None and not UNDER_CI,
                    reason="headless Chromium is not installed (apt-get install chromium); "
                           "under CI (CI=true) this test runs and .ci/run installs it")
def test_html_memo_of_a_revised_policy_case_reads_right_in_chromium(qualys_revised, tmp_path):
    assert CHROMIUM is not None, "CI must have chromium: .ci/run installs it"
    (path,) = [p for p in REVISION_CASES if p.stem.startswith("12-")]
    determination = evaluate(qualys_revised, read_case(path))
    source = source_document(qualys_revised)
    seen = _seen_in_chromium(html.render(determination, source), tmp_path)
    assert seen["header"] and seen["summary"]
    assert determination.participant.name in seen["header_text"]
    assert seen["summary_rows"] == len(determination.awards)
    deciding = html.deciding_sentences(source, determination)
    assert deciding and seen["highlighted"] == len(deciding)
    assert seen["highlight_colour"] not in ("", "rgba(0, 0, 0, 0)")
    assert seen["links"] > 0 and seen["links_resolve"]
    # A timeline for every award, with or without recovery (each has dates here), and in
    # it each window its conditions compared a date with (the look-back, the 12 months).
    assert len(seen["timelines"]) == len(determination.awards) > 0
    assert all(w > 0 and h > 0 for w, h in seen["timelines"])
    windows = [w for a in determination.awards for c in a.conditions for w in c.windows or []]
    assert len(seen["windows"]) == len(windows) > 0 and all(seen["windows"])


class _Elements(HTMLParser):
    """Every element and attribute of a page, and the text inside <script>/<style>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: Counter = Counter()

    def handle_starttag(self, tag, attrs):
        self.elements[(tag, tuple(sorted(name for name, _ in attrs)))] += 1

    handle_startendtag = handle_starttag


def _elements(page: str) -> Counter:
    parser = _Elements()
    parser.feed(page)
    parser.close()
    return parser.elements


HOSTILE = ['<img src=x onerror=alert(1)>', '"><script>alert(1)</script>',
           "' onmouseover='alert(1)", "</textarea><svg onload=alert(1)>",
           "[link](javascript:alert(1)) *bold* _it_ `code` | pipe", "line\n\n# heading\n- item",
           "&lt;b&gt;entity&lt;/b&gt; <!-- comment -->"]


def _case(path, text: str) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.pop("expect", None)
    data["title"] = f"title {text}"
    data["case_id"] = f"case {text}"
    data["participant"]["name"] = f"name {text}"
    data["participant"]["id"] = f"id {text}"
    data["participant"]["positions"] = [f"title {text}"]
    for i, award in enumerate(data["awards"]):
        award["id"] = f"award{i} {text}"
    return data


def _determine(policy, data):
    return evaluate(policy, read_case_bytes(json.dumps(data, default=str).encode(), "case.json"))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_case_text_injects_no_element_or_attribute(text, qualys_2019):
    path = next(p for p in EXAMPLE_CASES if p.stem.startswith("24-"))
    benign = _determine(qualys_2019, _case(path, "plain"))
    hostile = _determine(qualys_2019, _case(path, text))
    source = source_document(qualys_2019)
    for level in ("full", "summary"):
        # The same elements, with the same attributes, whatever the case's text.
        assert _elements(html.render(hostile, source, level)) == \
            _elements(html.render(benign, source, level))
    for md in _renderers():
        assert _elements(md.render(layout.markdown(hostile, "full"))) == \
            _elements(md.render(layout.markdown(benign, "full")))


CONTROLS = "\n\nOutcome: NO RECOVERY\x1b[2J\x1b[31m\rX\x08\u2028\u202e\x85\t"


def test_control_characters_of_a_case_are_shown_never_sent_raw(qualys_2019):
    # The audit's spoof: a name that starts lines of its own ("Outcome: NO RECOVERY" above
    # the real outcome), and ESC, CR and BS that move a terminal's cursor.
    path = next(p for p in EXAMPLE_CASES if p.stem.startswith("24-"))
    benign = _determine(qualys_2019, _case(path, "plain"))
    hostile = _determine(qualys_2019, _case(path, CONTROLS))
    shown = r"\n\nOutcome: NO RECOVERY\x1b[2J\x1b[31m\rX\x08\u2028\u202e\x85\t"
    for level in ("full", "summary"):
        for lay in (layout.text, layout.markdown):
            page, plain = lay(hostile, level), lay(benign, level)
            assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u202e]", page)
            # No line of its own: the lines that start "Outcome" are the memo's own.
            assert [line for line in page.splitlines() if "Outcome" in line[:12]] == \
                [line for line in plain.splitlines() if "Outcome" in line[:12]]
        assert shown in layout.text(hostile, level)
        assert shown.replace("\\", "\\\\").replace("[", "\\[") \
            in layout.markdown(hostile, level)
        page = html.render(hostile, source_document(qualys_2019), level)
        assert shown in page and not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", page)
    # The JSON keeps the case's text exactly, escaped as JSON escapes it.
    from clawpolicy.render import json as json_render

    assert json.loads(json_render.render(hostile))["participant"]["name"] == f"name {CONTROLS}"


def _renderers():
    """CommonMark, and GFM's extensions of it (tables, strikethrough)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark"), MarkdownIt("commonmark").enable(["table", "strikethrough"])


def test_markdown_reads_alike_in_commonmark_and_gfm(qualys_2019):
    path = next(p for p in EXAMPLE_CASES if p.stem.startswith("16-"))
    page = layout.markdown(evaluate(qualys_2019, read_case(path)), "full")
    common, gfm = (_elements(md.render(page)) for md in _renderers())
    # Lists nested by four spaces nest in both; GFM adds only its tables.
    assert common[("ul", ())] == gfm[("ul", ())] > common[("h2", ())]
    assert gfm[("table", ())] >= 2 and common[("strong", ())] == gfm[("strong", ())] <= 6
    nested = [line for line in page.splitlines() if line.startswith("    - ")]
    assert nested and not [line for line in page.splitlines() if line.startswith("  - ")]


def test_html_page_fetches_nothing(qualys_2019):
    path = next(p for p in EXAMPLE_CASES if p.stem.startswith("24-"))
    page = html.render(evaluate(qualys_2019, read_case(path)), source_document(qualys_2019))
    tags = {tag for tag, _ in _elements(page)}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "font"}
    assert "default-src 'none'" in page and "@import" not in page and "url(" not in page
    assert not re.search(r'(?:src|href)="(?!#)', page)


def test_check_writes_the_page_and_the_detail_level_asked_for():
    from typer.testing import CliRunner

    from clawpolicy.cli import app

    case = str(next(p for p in EXAMPLE_CASES if p.stem.startswith("24-")))
    runner = CliRunner()
    page = runner.invoke(app, ["check", "qualys-2019", case, "--format", "html"])
    assert page.exit_code == 0 and page.stdout.startswith("<!DOCTYPE html>")
    assert '<mark class="deciding">' in page.stdout and "<svg" in page.stdout
    fails = runner.invoke(app, ["check", "qualys-2019", case, "-f", "text", "--explain", "fails"])
    full = runner.invoke(app, ["check", "qualys-2019", case, "-f", "text", "--explain", "full"])
    assert "[met]" not in fails.stdout and "[unknown]" in fails.stdout
    assert full.stdout.count("because") > fails.stdout.count("because") > 0


def test_awards_without_recovery_have_a_timeline_with_the_window_that_decided_them(
        qualys_2019):
    # Case 19: bonus-fy2020's statements were filed more than three years before the
    # determination; two more awards are without recovery, two recovered.
    path = next(p for p in EXAMPLE_CASES if p.stem.startswith("19-"))
    determination = evaluate(qualys_2019, read_case(path))
    page = html.render(determination, source_document(qualys_2019))
    assert page.count('<svg class="timeline"') == len(determination.awards) == 5
    settled = page.split("<h2>Awards without recovery</h2>")[1].split("<h2>")[0]
    assert settled.count('<svg class="timeline"') == 3
    assert "Condition (3):" in settled and \
        "as_of on or before 2024-02-19 (counted from 2021-02-19)" in settled
    assert "as_of 2024-02-20: outside the window" in settled


@pytest.mark.parametrize("policy_path,case_path", [
    c for c in COMPANY_CASES if c[1].stem.startswith(("01-", "08-"))], ids=lambda v: v.stem)
def test_every_reason_that_quotes_the_policy_links_to_its_sentence(policy_path, case_path):
    # Short quotations too ("to the extent permitted by law", which identifies no sentence by
    # its share of the words) and quotations of several passages, joined by " … ".
    from clawpolicy.api import compile_policy
    from clawpolicy.render import memo as memos

    policy = compile_policy(policy_path)
    determination = evaluate(policy, read_case(case_path))
    source = source_document(policy)
    page = html.render(determination, source)
    m = memos.build(determination)
    quoting = [i for i in [*m.settled, *(i for a in m.awards for i in a.items)]
               if i.quote and i.source == "policy"]
    links = re.findall(r'<a class="reason" href="#s-(\d+)">', page)
    assert len(links) == len(quoting) > 0
    highlighted = set(re.findall(r'<p id="s-(\d+)"><mark class="deciding">', page))
    assert set(links) <= highlighted
    assert {int(n) for n in highlighted} == html.deciding_sentences(source, determination)


@pytest.mark.parametrize("case_stem,roles", [
    # What the case records of the participant's statutory standing, as the vocabulary's
    # `[roles.summary] standing` declares it, beside the roles (which stay as the case gives
    # or derives them: none here).
    ("icf-2023-01-", "Section 16 officer; executive officer (titles: Executive Vice President)"),
    ("icf-2023-03-", "Section 16 officer: no; executive officer: no"),
    ("northrop-grumman-2010-01-", "vice president level (titles: Vice President, Finance)")])
def test_the_header_names_the_participants_standing(case_stem, roles):
    from clawpolicy.api import compile_policy
    from clawpolicy.render import json as json_render

    policy_path, case_path = next(c for c in COMPANY_CASES
                                  if f"{c[0].stem}-{c[1].stem}".startswith(case_stem))
    policy = compile_policy(policy_path)
    determination = evaluate(policy, read_case(case_path))
    assert f"Roles:       {roles}" in layout.text(determination)
    assert f"<dt>Roles</dt><dd>{roles}" in html.render(determination, source_document(policy))
    participant = json.loads(json_render.render(determination))["participant"]
    assert participant["roles"] == []
    assert participant["standing"] and {s["fact"] for s in participant["standing"]} <= \
        {"section16_officer", "executive_officer", "roles.level"}


def _marks_and_links(page: str) -> tuple[set[str], set[str]]:
    return (set(re.findall(r'<p id="s-(\d+)"><mark class="deciding">', page)),
            set(re.findall(r'<a class="reason(?:-also)?" href="#s-(\d+)">', page)))


@pytest.mark.parametrize("level", ["summary", "full", "fails"])
@pytest.mark.parametrize("case_stem", ["04-", "10-", "13-", "17-"])
def test_every_sentence_highlighted_is_linked_and_an_excuse_links_its_own(case_stem, level):
    from clawpolicy.api import compile_policy
    from clawpolicy.check import sentences as traced

    policy_path, case_path = next(c for c in COMPANY_CASES if c[0].stem == "icf-2023"
                                  and c[1].stem.startswith(case_stem))
    policy = compile_policy(policy_path)
    determination = evaluate(policy, read_case(case_path))
    source = source_document(policy)
    page = html.render(determination, source, level)
    marks, links = _marks_and_links(page)
    assert marks and marks == links
    for a in determination.awards:
        if a.excused is not None:
            # The exception relied on: its sentence ("... except to the extent that one of
            # the limited exemptions ... applies") is highlighted and a reason links to it.
            exempting = next(s.number for s in traced.sentences(source)
                             if "limited exemptions" in s.text)
            assert str(exempting) in marks
