"""What-if (`check --assume`) and sealed determinations (`verify`): an assumed answer gives
exactly what the open question promised for it, and a determination made again from its
policy and case is the same bytes."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from clawpolicy import api
from clawpolicy.cli import app
from clawpolicy.evaluate.seal import case_sha256
from clawpolicy.input.reader import read_file
from clawpolicy.render import json as json_render
from clawpolicy.render import layout
from clawpolicy.tools import verify as verifying
from tests.conftest import EXAMPLE_CASES, EXAMPLE_POLICY, QUALYS, QUALYS_2019, REVISION_CASES

ALL_CASES = [(QUALYS_2019, p) for p in EXAMPLE_CASES] + [(QUALYS, p) for p in REVISION_CASES]


@pytest.fixture(scope="module")
def policies(qualys_2019, qualys_revised):
    return {QUALYS_2019: qualys_2019, QUALYS: qualys_revised}


def _values(answer: str | bool | list) -> list[str]:
    """Values (as --assume writes them) that fall within one answer of an open question."""
    if isinstance(answer, bool):
        return [str(answer).lower()]
    if isinstance(answer, list):
        return [json.dumps(v) for v in answer] if answer else ["[]"]
    if re.fullmatch(r"[\w-]+", answer):  # one word of a fixed list
        return [answer]
    if answer == "any value":
        return ["0"]
    if answer == "any other":
        return ["some-other-value"]
    parts = re.fullmatch(r"([<>]=?) (\S+)(?: \S+)?(?: and ([<>]=?) (\S+)(?: \S+)?)?", answer)
    assert parts, f"an answer this test does not read: {answer}"
    op, bound = parts[1], parts[2]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", bound):
        day = dt.date.fromisoformat(bound)
        return [str(day if op in ("<=", ">=") else day + dt.timedelta(days=1 if op == ">" else -1))]
    amount = Decimal(bound)
    if op == "<":  # the most and the least of the range
        return [str(amount - Decimal("0.01")), "0"]
    return [str(amount if op == ">=" else amount + Decimal("0.01"))]


def _promises():
    from clawpolicy.api import compile_policy

    compiled = {QUALYS_2019: compile_policy(QUALYS_2019), QUALYS: compile_policy(QUALYS)}
    for policy, path in ALL_CASES:
        d = api.evaluate(compiled[policy], api.read_case(path))
        for q in d.open_questions:
            for answer in q.answers:
                for value in _values(answer.if_):
                    yield pytest.param(policy, path, q.fact, value, answer,
                                       id=f"{path.stem}:{q.fact}={value}")


PROMISES = list(_promises())


def test_the_examples_leave_questions_of_every_kind_to_assume():
    assert len({p.values[1] for p in PROMISES}) >= 9  # pending examples with questions
    kinds = {type(p.values[4].if_).__name__ for p in PROMISES}
    assert kinds == {"bool", "list", "str"}


@pytest.mark.parametrize(("policy", "path", "fact", "value", "answer"), PROMISES)
def test_assuming_an_answer_gives_what_the_question_promised(policies, policy, path, fact,
                                                             value, answer):
    d = api.evaluate(policies[policy], api.read_case(path), [f"{fact}={value}"])
    assert d.outcome == answer.outcome
    assert fact not in [q.fact for q in d.open_questions]
    if answer.recoverable is not None:
        assert d.total_recoverable == answer.recoverable
    if answer.recoverable_range is not None:
        total = Decimal(d.totals[0].amount)
        assert Decimal(answer.recoverable_range.min.amount) <= total \
            <= Decimal(answer.recoverable_range.max.amount)
    if answer.pending_on:
        assert [q.fact for q in d.open_questions] == answer.pending_on
    for award, outcome in (answer.awards or {}).items():
        assert [a.outcome for a in d.awards if a.id == award] == [outcome]
    assert [(a.fact, a.value) for a in d.assumptions] == [(fact, json.loads(value)
                                                          if value[0] in '["tf' else value)]


def test_an_award_may_be_named_by_its_id(qualys_2019):
    path = next(p for p in EXAMPLE_CASES if "restated-amount-unknown" in p.stem)
    by_id = api.evaluate(qualys_2019, api.read_case(path),
                         ["awards[psu-2022].amount_as_restated=9000"])
    by_index = api.evaluate(qualys_2019, api.read_case(path),
                            ["awards[0].amount_as_restated=9000"])
    assert json_render.render(by_id) == json_render.render(by_index)
    assert by_id.totals[0].amount == "3000"


def test_the_seal_is_of_the_case_as_read_not_as_assumed(qualys_2019):
    path = next(p for p in EXAMPLE_CASES if "pending-committee-findings" in p.stem)
    loaded = api.read_case(path)
    plain = api.evaluate(qualys_2019, loaded)
    assumed = api.evaluate(qualys_2019, loaded, ["findings.misconduct=fraud"])
    assert plain.seal == assumed.seal
    assert plain.assumptions == []


def test_the_memo_marks_each_assumed_fact_where_it_is_cited(qualys_2019):
    path = next(p for p in EXAMPLE_CASES if "pending-committee-findings" in p.stem)
    d = api.evaluate(qualys_2019, api.read_case(path),
                     ["findings.misconduct=fraud", "findings.should_repay=true"])
    memo = " ".join(layout.text(d, "full").split())
    assert "What-if: determined as if the case said findings.misconduct = fraud; " \
        "findings.should_repay = yes" in memo
    # Reasons name facts by their meaning (the vocabulary's labels), marked where assumed.
    assert "findings: misconduct found [assumed] (fraud)" in memo
    assert "findings: should repay [assumed] is true" in memo
    assert "misconduct caused the restatement [assumed]" not in memo
    assert "misconduct found [assumed]" in layout.markdown(d, "full").replace("\\", "")


def test_the_memo_header_marks_the_roles_and_standing_an_assumption_supplied(qualys_2019):
    # The header, like the reasons and the tables, marks what --assume supplied: a role, a
    # standing flag, a role's level, the titles, the name; in the vocabulary's words.
    from clawpolicy.render import html

    path = next(p for p in EXAMPLE_CASES if p.stem.startswith("01-"))
    plain = api.evaluate(qualys_2019, api.read_case(path))
    assert layout.text(plain, "full").splitlines()[2:4] == [
        "Participant: Dana Whitfield, id p-101",
        "Roles:       chief financial officer; Section 16 officer; executive officer "
        "(titles: CFO)"]
    d = api.evaluate(qualys_2019, api.read_case(path), [
        "participant.roles[0].role=section16_officer", "participant.executive_officer=false",
        "participant.roles[0].level=vice_president", "participant.name=Dana W."])
    assert layout.text(d, "full").splitlines()[2:4] == [
        "Participant: Dana W. [assumed], id p-101",
        "Roles:       Section 16 officer [assumed]; executive officer: no [assumed]; "
        "vice president level [assumed] (titles: CFO)"]
    assert r"Section 16 officer \[assumed\]; executive officer: no \[assumed\]" \
        in layout.markdown(d, "full")
    assert "Section 16 officer [assumed]; executive officer: no [assumed]" in html.render(d)
    # A whole list assumed marks each of its items; what is not assumed stays unmarked.
    d = api.evaluate(qualys_2019, api.read_case(path), [
        "participant.roles=[{role: chief_executive_officer}, {role: section16_officer}]",
        "participant.positions=[CEO, Director]"])
    assert layout.text(d, "full").splitlines()[3] == (
        "Roles:       chief executive officer [assumed]; Section 16 officer [assumed]; "
        "executive officer (titles: CEO [assumed], Director [assumed])")


def test_an_assumption_about_one_item_marks_that_item_not_others_of_its_value(qualys_2019):
    # Two roles of the same levels: assuming the second's level, or role, marks the second
    # alone; the first is what the case says, whatever its value.
    path = next(p for p in EXAMPLE_CASES if p.stem.startswith("28-"))
    data = read_file(path)
    data["participant"]["roles"] = [
        {"role": "section16_officer", "level": "vice_president"},
        {"role": "executive_officer", "level": "senior_vice_president"}]
    case = api.read_case_data(data, "two-roles.yaml")

    def roles(*assume: str) -> str:
        return next(line for line in layout.text(api.evaluate(qualys_2019, case, list(assume)))
                    .splitlines() if line.startswith("Roles:"))

    assert roles("participant.roles[1].level=vice_president") == (
        "Roles:       Section 16 officer; executive officer; vice president level, "
        "vice president level [assumed] (titles: CIO)")
    assert roles("participant.roles[1].role=section16_officer") == (
        "Roles:       Section 16 officer; Section 16 officer [assumed]; vice president level, "
        "senior vice president level (titles: CIO)")


def test_the_what_if_line_shows_a_list_as_a_list_and_a_record_as_the_case_file_writes_it(
        qualys_2019):
    # Not "CFO or CEO" (an open question's alternatives) nor Python's {'role': ...}, True.
    from clawpolicy.render import html

    path = next(p for p in EXAMPLE_CASES if p.stem.startswith("15-"))
    d = api.evaluate(qualys_2019, api.read_case(path), [
        "participant.positions=[CFO, CEO]",
        "participant.roles=[{role: chief_financial_officer, since: 2020-01-01}]",
        "findings.should_repay=true", "stock_sales=[]"])
    said = ("participant.positions = [CFO, CEO]; participant.roles = "
            "[{role: chief_financial_officer, since: 2020-01-01}]; findings.should_repay = yes; "
            "stock_sales = []")
    assert f"determined as if the case said {said} (each" in " ".join(layout.text(d).split())
    assert f"determined as if the case said {said} (each" in \
        layout.markdown(d).replace("\\", "")
    assert f"determined as if the case said {said} (each" in html.render(d)


@pytest.mark.parametrize("award", ["0", "ltip-cash-2022"])
def test_the_memo_marks_an_assumed_fact_where_it_shows_its_value(qualys_2019, award):
    # Issue 17 §1, "wherever it is cited": not only in the reasons, but in the arithmetic
    # table, the summary table and the header, in every layout.
    from clawpolicy.render import html

    path = next(p for p in EXAMPLE_CASES if p.stem.startswith("16-"))
    d = api.evaluate(qualys_2019, api.read_case(path), [
        f"awards[{award}].amount_as_restated=350000", f"awards[{award}].amount_paid=100000",
        f"awards[{award}].granted=2022-02-16", "as_of=2025-01-01"])
    text = layout.text(d, "full")
    lines = text.splitlines()
    assert "As of:       2025-01-01 [assumed]" in lines
    assert [line.split() for line in lines if line.startswith(("As restated", "Paid", "Awarded",
                                                               "Unpaid"))] == [
        ["Awarded", "400,000.00", "USD"], ["As", "restated", "350,000.00", "USD", "[assumed]"],
        ["Paid", "100,000.00", "USD", "[assumed]"], ["Unpaid", "300,000.00", "USD"]]
    assert "2022-02-16 [assumed]  2024-03-01  recovery" in text
    markdown = layout.markdown(d, "full")
    for shown in (r"| **As of** | 2025-01-01 \[assumed\] |",
                  r"| Paid | 100,000.00 USD \[assumed\] |", r"| As restated | 350,000.00 USD \[assumed\] |", r"2022-02-16 \[assumed\]"):
        assert shown in markdown
    page = html.render(d)
    for shown in ("<dd>2025-01-01 [assumed]</dd>", "<td>100,000.00 USD [assumed]</td>",
                  "<td>350,000.00 USD [assumed]</td>", "<td>2022-02-16 [assumed]</td>"):
        assert shown in page
    # Without assumptions, nothing is marked.
    assert "[assumed]" not in layout.text(api.evaluate(qualys_2019, api.read_case(path)), "full")


@pytest.mark.parametrize(("assume", "code", "words"), [
    ("findings.misconduc=fraud", "CP1101", "did you mean `findings.misconduct`?"),
    ("findings.misconduct=frod", "CP1102", "did you mean `fraud`?"),
    ("awards[bonus-fy202].amount_paid=1", "CP1101", "did you mean `awards[bonus-fy2022]`?"),
    ("awards[3].amount_paid=1", "CP1101", "`awards` has 1 item(s)"),
    ("awards[0].amount_paid=abc", "CP1102", "`awards[0].amount_paid` cannot be 'abc'"),
    ("awards[0].amount_paid=99999999", "CP1102", "at most amount_awarded"),
    ("as_of=2024-02-30", "CP1102", "`as_of` cannot be '2024-02-30'"),
    ("restatement=true", "CP1102", "`restatement` cannot be True"),
    ("awards[0]=null", "CP1101", "`awards[0]` is a record"),
    ("facts.region=emea", "CP1101", "the policy declares no facts"),
    ("findings.misconduct", "CP1100", "FACT=VALUE"),
    # An anchor is no more a value here than in a case file.
    ("awards[0].amount_paid=&a 5", "CP1102", "`&a 5` is not a value a case file can hold"),
])
def test_a_wrong_assumption_is_a_usage_error_naming_the_fact(assume, code, words):
    path = next(p for p in EXAMPLE_CASES if "pending-committee-findings" in p.stem)
    result = CliRunner().invoke(app, ["check", str(QUALYS_2019), str(path), "-f", "json",
                                      "--assume", assume])
    assert result.exit_code == 2
    assert f"error[{code}]" in result.stderr and words in result.stderr
    assert f"--> --assume {assume}" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("second", ["findings.misconduct=none", "findings.misconduct=fraud"])
def test_a_fact_assumed_twice_is_a_usage_error_not_the_last_value(second):
    # Which of two values was meant is not clawpolicy's to guess (issue 17): even the same
    # value twice is refused, and an item named by its key or its index is the same fact.
    path = next(p for p in EXAMPLE_CASES if "pending-committee-findings" in p.stem)
    for assumed in (["findings.misconduct=fraud", second],
                    ["awards[bonus-fy2022].amount_paid=1", "awards[0].amount_paid=2"]):
        result = CliRunner().invoke(app, ["check", str(QUALYS_2019), str(path), "-f", "json",
                                          *(a for one in assumed for a in ("--assume", one))])
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr.startswith("error[CP1103]: `")
        assert " is assumed twice: " in result.stderr
        assert f"--> --assume {assumed[1]}\n" in result.stderr


def test_the_case_fingerprint_ignores_key_order_and_yaml_or_json(tmp_path):
    for path in EXAMPLE_CASES + REVISION_CASES:
        data = read_file(path)
        shuffled = dict(reversed(list(data.items())))
        copy = tmp_path / f"{path.stem}.json"
        copy.write_text(json.dumps(shuffled, default=str), encoding="utf-8")
        assert case_sha256(api.read_case(copy).case) == case_sha256(api.read_case(path).case)


def test_the_case_fingerprint_changes_with_a_fact(tmp_path):
    path = EXAMPLE_CASES[0]
    text = path.read_text(encoding="utf-8")
    changed = tmp_path / "changed.yaml"
    changed.write_text(text.replace("364000", "364001"), encoding="utf-8")
    assert case_sha256(api.read_case(changed).case) != case_sha256(api.read_case(path).case)


@pytest.mark.parametrize(("policy", "path"), ALL_CASES, ids=lambda v: getattr(v, "stem", ""))
def test_verify_passes_on_every_example_and_fails_on_one_byte_edited(policies, policy, path,
                                                                     tmp_path):
    d = api.evaluate(policies[policy], api.read_case(path))
    recorded = tmp_path / "d.json"
    recorded.write_text(json_render.render(d), encoding="utf-8")
    assert verifying.verify(recorded, policies[policy], api.read_case(path)).same
    raw = bytearray(recorded.read_bytes())
    at = raw.index(b'"outcome": "') + len(b'"outcome": "')
    raw[at] = ord("x")  # one byte of the case's outcome
    recorded.write_bytes(bytes(raw))
    verdict = verifying.verify(recorded, policies[policy], api.read_case(path))
    assert not verdict.same
    # Where that byte is (line 9 or 12: the policy's version takes three lines where its
    # header states it), counted by hand.
    line = raw[:at].count(b"\n") + 1
    column = at - raw.rfind(b"\n", 0, at)
    assert (line, column) == ((12 if b'"adopted_on"' in raw else 9), 15)
    assert f"first difference: line {line}, column {column}" in verdict.render()


def test_verify_on_the_command_line(tmp_path):
    path = next(p for p in EXAMPLE_CASES if "pending-committee-findings" in p.stem)
    runner = CliRunner()
    made = runner.invoke(app, ["check", str(QUALYS_2019), str(path), "-f", "json",
                               "--assume", "findings.misconduct=fraud"])
    recorded = tmp_path / "d.json"
    recorded.write_text(made.stdout, encoding="utf-8")
    ok = runner.invoke(app, ["verify", str(recorded), str(QUALYS_2019), str(path)])
    assert ok.exit_code == 0 and ok.stdout.startswith("verified: ")
    other = runner.invoke(app, ["verify", str(recorded), str(QUALYS), str(path)])
    assert other.exit_code == 1
    assert "seal: policy_sha256 differs" in other.stdout
    missing = runner.invoke(app, ["verify", str(tmp_path / "none.json"), str(QUALYS_2019),
                                  str(path)])
    assert missing.exit_code == 2 and "error[CP1110]" in missing.stderr
    # The memo is not the determination's JSON: a usage error, as cases.md says, not a
    # difference found (exit code 1).
    memo = tmp_path / "d.txt"
    memo.write_text(runner.invoke(app, ["check", str(QUALYS_2019), str(path), "-f",
                                        "text"]).stdout, encoding="utf-8")
    (tmp_path / "list.json").write_text("[1]\n", encoding="utf-8")
    for given, message in [(memo, "the determination is not JSON: Expecting value (line 1, "
                                  "column 1)"),
                           (tmp_path / "list.json", "the determination is not a JSON object")]:
        wrong = runner.invoke(app, ["verify", str(given), str(QUALYS_2019), str(path)])
        assert wrong.exit_code == 2 and wrong.stdout == ""
        assert wrong.stderr.startswith(f"error[CP1110]: {message}\n  --> {given}\n")


def test_verify_reads_a_line_of_batch_output(qualys_2019, tmp_path):
    path = EXAMPLE_CASES[0]
    d = api.evaluate(qualys_2019, api.read_case(path))
    recorded = tmp_path / "d.json"
    recorded.write_text(json_render.render_line(d) + "\n", encoding="utf-8")
    assert verifying.verify(recorded, qualys_2019, api.read_case(path)).same


def test_verify_takes_each_line_check_batch_writes_as_it_is(tmp_path):
    # A line of `check --batch` starts with the `source` of its case (a case file's name,
    # `FILE:LINE` of JSON Lines, `<stdin>:LINE`): verify takes the line as written.
    runner = CliRunner()
    folder = tmp_path / "cäses"
    folder.mkdir()
    case = folder / "01 bonus.yaml"
    case.write_bytes(EXAMPLE_CASES[0].read_bytes())
    as_json = tmp_path / "case.json"
    as_json.write_text(json.dumps(read_file(case)), encoding="utf-8")
    jsonl = tmp_path / "cases.jsonl"
    jsonl.write_text(as_json.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    runs = [(["--batch", str(folder)], None, case, str(case)),
            (["--batch", str(jsonl)], None, as_json, f"{jsonl}:1"),
            (["--batch", "-"], jsonl.read_text(encoding="utf-8"), as_json, "<stdin>:1")]
    for args, given, path, source in runs:
        made = runner.invoke(app, ["check", str(QUALYS_2019), *args], input=given)
        assert made.exit_code == 0, made.output
        assert json.loads(made.stdout)["source"] == source
        recorded = tmp_path / "line.json"
        recorded.write_text(made.stdout, encoding="utf-8")
        ok = runner.invoke(app, ["verify", str(recorded), str(QUALYS_2019), str(path)])
        assert ok.exit_code == 0 and ok.stdout.startswith("verified: "), ok.output
        # The rest of the line is still compared byte for byte.
        recorded.write_text(made.stdout.replace('"outcome":"', '"outcome":"x'),
                            encoding="utf-8")
        edited = runner.invoke(app, ["verify", str(recorded), str(QUALYS_2019), str(path)])
        assert edited.exit_code == 1 and "first difference: line 1" in edited.stdout


def test_a_fact_the_policy_declares_is_assumed_and_typed_by_its_declaration(tmp_path):
    policy = tmp_path / "policy.claw"
    policy.write_text(EXAMPLE_POLICY + '''
condition board_approved
  clause "Approval"
  quote "the board approves"
  requires facts.board_approved
end

fact board_approved: boolean asks "Did the board approve the recovery?" end
''', encoding="utf-8")
    case = tmp_path / "case.yaml"
    case.write_text("case_id: example\nas_of: 2024-06-30\nawards:\n  - id: b\n"
                    "    kind: cash_incentive\n    amount_awarded: 100\n"
                    "    amount_as_restated: 80\n", encoding="utf-8")
    compiled = api.compile_policy(policy)
    assert api.evaluate(compiled, api.read_case(case)).outcome == "pending"
    d = api.evaluate(compiled, api.read_case(case), ["facts.board_approved=true"])
    assert d.outcome == "recovery" and d.totals[0].amount == "20.00"
    with pytest.raises(api.AssumptionError) as wrong:
        api.evaluate(compiled, api.read_case(case), ["facts.board_approved=maybe"])
    (diagnostic,) = wrong.value.diagnostics
    assert (diagnostic.code, diagnostic.message) == (
        "CP1102", "`facts.board_approved` cannot be 'maybe'")
    with pytest.raises(api.AssumptionError) as unknown:
        api.evaluate(compiled, api.read_case(case), ["facts.board_aproved=true"])
    assert "did you mean `facts.board_approved`?" in unknown.value.diagnostics[0].help


def test_a_whole_list_or_record_an_open_question_names_can_be_assumed(tmp_path):
    """An open question asks `stock_sales` as a whole (its answers `[]` and "any other"):
    assuming `stock_sales=[]` is the case with no sales in the file, as are a whole record
    and its value written in flow style."""
    path = next(p for p in REVISION_CASES if "stock-sales" in p.stem)
    data = read_file(path)
    data.pop("stock_sales", None)
    assert any(q.fact == "stock_sales" for q in
               api.evaluate(api.compile_policy(QUALYS), api.read_case_data(data)).open_questions)
    for assume, value in [("stock_sales=[]", []),
                          ("awards[0].performance_period={start: 2022-01-01, end: 2022-12-31}",
                           {"start": "2022-01-01", "end": "2022-12-31"}),
                          ("awards[0].performance_period=null", None)]:
        fact = assume.split("=")[0]
        written = tmp_path / "case.json"
        written.write_text(json.dumps(data, default=str), encoding="utf-8")
        assumed = CliRunner().invoke(app, ["check", str(QUALYS), str(written), "-f", "json",
                                           "--assume", assume])
        assert assumed.exit_code == 0, assumed.stderr
        changed = json.loads(json.dumps(data, default=str))
        holder = changed["awards"][0] if fact.startswith("awards") else changed
        holder[fact.rsplit(".", 1)[-1]] = value
        written.write_text(json.dumps(changed), encoding="utf-8")
        plain = CliRunner().invoke(app, ["check", str(QUALYS), str(written), "-f", "json"])
        made, given = json.loads(assumed.stdout), json.loads(plain.stdout)
        assert made["assumptions"] == [{"fact": fact, "value": value}]
        for key in ("outcome", "total_recoverable", "awards", "open_questions"):
            assert made[key] == given[key], (assume, key)
