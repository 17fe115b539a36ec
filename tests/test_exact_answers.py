"""What open questions answer: a threshold an answer reaches through `sum(...)` is found as
one through `min` or `max` is (evaluate/tracking.py); where only the split between the
remedies turns on a fact, each answer gives the split it leads to."""

from __future__ import annotations

from decimal import Decimal

import yaml

from clawpolicy.api import compile_policy, evaluate, read_case_data
from tests.conftest import ROOT

POLICY = '''policy "Sums"
  effective 2019-02-08
end

condition small_total
  clause "1"
  quote "the awards together come to less than 500,000 USD"
  requires sum(a.amount_as_restated for a in awards) < 500000 USD
end

recoverable whole
  clause "2"
  quote "the whole award"
  is award.amount_awarded
end

remedy repay
  clause "3"
  quote "shall repay"
  shall recover up to whole
end
'''


def award(ident: str, restated) -> dict:
    return {"id": ident, "kind": "cash_incentive", "granted": "2022-02-15",
            "received": "2023-02-28", "unit": "USD", "amount_awarded": "300000",
            "amount_paid": "300000", "amount_as_restated": restated}


def test_a_threshold_through_a_sum_is_asked_at_the_amount_where_it_turns(tmp_path):
    path = tmp_path / "sums.claw"
    path.write_text(POLICY, encoding="utf-8")
    case = read_case_data({"case_id": "sums", "as_of": "2024-06-30",
                           "awards": [award("a", None), award("b", "200000")]})
    determination = evaluate(compile_policy(path), case)
    assert determination.outcome == "pending"
    [question] = determination.open_questions
    assert question.fact == "awards[0].amount_as_restated"
    # 200,000 of the other award leaves 300,000 below the 500,000 the sum is compared with.
    assert [(a.if_, a.outcome, a.recoverable.amount if a.recoverable else None)
            for a in question.answers] == [
        ("< 300000.00 USD", "recovery", "600000.00"), (">= 300000.00 USD", "no_recovery", None)]


def test_where_only_the_split_turns_each_answer_gives_the_split_it_leads_to(qualys_revised):
    """Regression example revisions/18: 60,000 USD is recovered whatever was paid; the answer
    to `amount_paid` decides only how repayment and cancellation share it. Each answer says
    how, and the case with a value of that answer splits it so."""
    path = ROOT / "examples" / "cases" / "revisions" / "18-10d1-amount-paid-unknown.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.pop("expect", None)
    determination = evaluate(qualys_revised, read_case_data(data))
    [question] = determination.open_questions
    assert question.fact == "awards[0].amount_paid"
    tried = {"< 0.01 USD": ["0"], ">= 0.01 USD and < 60000.00 USD": ["0.01", "30000", "59999.99"],
             ">= 60000.00 USD and < 240000.01 USD": ["60000", "240000"],
             ">= 240000.01 USD and < 300000.00 USD": ["240000.01", "299999.99"],
             ">= 300000.00 USD": ["300000"]}
    assert [a.if_ for a in question.answers] == list(tried)
    for answer in question.answers:
        assert (answer.outcome, answer.recoverable.amount) == ("recovery", "60000.00")
        for paid in tried[answer.if_]:
            data["awards"][0]["amount_paid"] = paid
            [award] = evaluate(qualys_revised, read_case_data(data)).awards
            reached = {r.kind: Decimal(r.up_to.amount) for r in award.remedies}
            for split in answer.split:
                assert split.award == award.id
                got = reached.get(split.remedy, Decimal(0))
                if split.up_to is not None:
                    assert got == Decimal(split.up_to.amount), (answer.if_, paid, split)
                else:
                    low, high = split.up_to_range.min.amount, split.up_to_range.max.amount
                    assert Decimal(low) <= got <= Decimal(high), (answer.if_, paid, split)


def test_where_only_the_split_turns_no_remedy_states_a_value_the_case_never_gave(
        qualys_revised):
    """Regression example revisions/18, `amount_paid` not known: each remedy gives what it
    can reach across the answers, `up_to` the most of it (the contract's amount stays an
    amount), and its reason names the amount paid as not known, never as the answer the
    reasons are shown under (it read "amount paid (0.01 USD)" and `up_to` 0.01 USD)."""
    path = ROOT / "examples" / "cases" / "revisions" / "18-10d1-amount-paid-unknown.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.pop("expect", None)
    [award] = evaluate(qualys_revised, read_case_data(data)).awards
    assert (award.outcome, award.recoverable_compensation.amount) == ("recovery", "60000.00")
    for remedy in award.remedies:
        assert remedy.up_to.amount == "60000.00", remedy.kind
        assert (remedy.up_to_range.min.amount, remedy.up_to_range.max.amount) == \
            ("0.00", "60000.00")
        assert "bonus-fy2023: amount paid (not known)" in remedy.because, remedy.because
        assert "0.01" not in remedy.because and remedy.because.endswith("= not known")


def test_no_split_is_given_where_the_amount_itself_turns(qualys_revised):
    path = ROOT / "examples" / "cases" / "12-restated-amount-unknown.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.pop("expect", None)
    determination = evaluate(qualys_revised, read_case_data(data))
    assert determination.open_questions
    assert all(a.split is None for q in determination.open_questions for a in q.answers)



def _example_20(**changes) -> dict:
    """Regression probe of revised example 20 (the CEO under Sarbanes-Oxley 304): its
    executive-officer status and its stock sales blanked, a whole record left unknown."""
    path = ROOT / "examples" / "cases" / "revisions" / "20-sox304-title-spelled-out.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.pop("expect", None)
    data["participant"]["executive_officer"] = None
    data["stock_sales"] = None
    data.update(changes)
    return data


def _with_sales(data: dict, *sales: tuple[str, str]) -> dict:
    return {**data, "stock_sales": [{"date": day, "proceeds": "1000000", "profit": profit}
                                     for day, profit in sales]}


def test_an_unknown_list_of_sales_is_asked_with_none_and_any_other(qualys_revised):
    data = _example_20()
    determination = evaluate(qualys_revised, read_case_data(data))
    assert determination.outcome == "recovery"
    [question] = determination.open_questions
    assert question.fact == "stock_sales"
    none, other = question.answers
    assert (none.if_, none.outcome, none.recoverable.amount) == ([], "recovery", "650000.00")
    assert (other.if_, other.outcome, other.recoverable) == ("any other", "recovery", None)
    assert other.recoverable_depends_on_answer
    # Each answer keeps its promise: none gives the amount; items give recovery, and the
    # amount moves with them (a profit inside Section 304's twelve months adds to it).
    for answered, total in [(data | {"stock_sales": []}, "650000.00"),
                            (_with_sales(data, ("2023-03-01", "280000")), "650000.00"),
                            (_with_sales(data, ("2022-05-16", "1240000")), "1890000.00")]:
        got = evaluate(qualys_revised, read_case_data(answered))
        assert (got.outcome, got.total_recoverable.amount) == ("recovery", total)


def test_where_only_the_sales_can_recover_any_other_is_pending_on_them(qualys_revised):
    data = _example_20()
    data["awards"] = [a for a in data["awards"] if a["id"] != "bonus-fy2021"]
    determination = evaluate(qualys_revised, read_case_data(data))
    assert determination.outcome == "pending"
    [question] = determination.open_questions
    none, other = question.answers
    assert (none.if_, none.outcome) == ([], "no_recovery")
    # Pending on what a sale is, as a case giving one sale whose details are not known is:
    # on what that case asks (its date, and its profit, which matters for a sale in the
    # window), never on the list answered itself.
    assert (other.if_, other.outcome, other.pending_on) == (
        "any other", "pending", ["stock_sales[0].date", "stock_sales[0].profit"])
    one = evaluate(qualys_revised, read_case_data(
        {**data, "stock_sales": [{"date": None, "proceeds": None, "profit": None}]}))
    assert one.outcome == "pending"
    assert [q.fact for q in one.open_questions] == other.pending_on
    outcomes = {evaluate(qualys_revised, read_case_data(_with_sales(data, sale))).outcome
                for sale in [("2023-03-01", "280000"), ("2022-05-16", "1240000")]}
    assert outcomes == {"no_recovery", "recovery"}  # items can lead either way: pending


# Points at which `facts.f` turns, nested ever closer together: (centre, half-width) of
# each condition `(f - centre)^2 > width^2`, the next pair inside the last one's gap.
NESTED = [("1000", "100"), ("875.0", "50.0"), ("812.5", "25.0"), ("781.25", "12.5"),
          ("765.62", "6.25"), ("757.81", "3.12"), ("753.91", "1.56"), ("751.96", "0.78"),
          ("750.99", "0.39"), ("750.5", "0.2"), ("750.25", "0.1")]


def _nested_thresholds() -> str:
    """A policy whose conditions turn on `facts.f` at the NESTED points: sampling finds one
    more pair each round, so the points are still moving after the search's rounds."""
    conditions = [('c1', 'facts.f > 1000')] + [
        (f"c{n}", f"(facts.f - {c}) * (facts.f - {c}) > {w} * {w}")
        for n, (c, w) in enumerate(NESTED, start=2)]
    text = ['policy "Nested"\n  effective 2019-01-01\nend\n\nfact f: number end\n'
            'fact g: boolean end\n\nscope incentive\n  clause "S"\n  quote "q"\n'
            '  requires award.kind in {cash_incentive, performance_equity}\nend\n']
    text += [f'condition {name}\n  clause "{name}"\n  quote "q"\n  requires {test}\nend\n'
             for name, test in reversed(conditions)]
    removed = "".join(f'  remove condition {name}\n    clause "V"\n    quote "q"\n  end\n'
                      for name, _ in conditions)
    text.append('recoverable rc\n  clause "R"\n  quote "q"\n'
                '  is max(award.amount_awarded - award.amount_as_restated, 0)\nend\n\n'
                'remedy repay\n  clause "P"\n  quote "q"\n  shall recover up to rc\nend\n\n'
                'revision rv\n  clause "V"\n  quote "q"\n  applies to facts.g\n' + removed +
                '  replace recoverable rc\n    clause "V"\n    quote "q"\n'
                '    is award.amount_paid\n  end\n'
                '  combine with policy by greater\n    clause "V"\n    quote "q"\n  end\nend\n')
    return "\n".join(text)


def test_where_the_turning_points_still_move_after_the_rounds_no_answer_is_promised(tmp_path):
    """Found by review: past the search's rounds of sampling (exact.ROUNDS) the answers of
    the last round were given as settled, and one promised recovery where the award is
    pending. Now the award is left as the facts known decide it, with a note saying why, and
    every answer it gives keeps its promise."""
    path = tmp_path / "nested.claw"
    path.write_text(_nested_thresholds(), encoding="utf-8")
    policy = compile_policy(path)
    data = {"case_id": "nested", "as_of": "2023-09-29",
            "participant": {"id": "p", "name": "P", "section16_officer": True},
            "awards": [{"id": "A", "kind": "cash_incentive", "granted": "2021-02-11",
                        "unit": "USD", "amount_awarded": "500", "amount_paid": "400",
                        "amount_as_restated": "100"}]}
    determination = evaluate(policy, read_case_data(data))
    [award_] = determination.awards
    assert award_.outcome == "pending"
    assert any("still moving after 6 rounds of sampling" in note for note in award_.notes)
    for question in determination.open_questions:
        fact = question.fact.removeprefix("facts.")
        for answer in question.answers:
            if answer.if_ == "any value":
                assert answer.outcome == "pending"
                continue
            for value in _inside(answer.if_):  # (an amount's range: its ends, and beyond)
                answered = evaluate(policy, read_case_data({**data, "facts": {fact: value}}))
                assert answered.outcome == answer.outcome, (fact, answer.if_, value)


def _inside(label):
    """Values an answer's label covers: the word itself, or an amount range's ends (and a
    value ten times past an open end)."""
    from decimal import Decimal

    if not isinstance(label, str) or label[:1] not in "<>":
        return [label]
    low, high = Decimal(0), None
    for part in label.split(" and "):
        op, x = part.split(" ")[:2]
        x = Decimal(x)
        if op == ">=":
            low = x
        elif op == ">":
            low = x + Decimal("0.01")
        else:
            high = x - Decimal("0.01") if op == "<" else x
    return [str(v) for v in (low, high if high is not None else max(low, 1) * 10)]


def _fault_case(**changes) -> dict:
    """A Section 16 officer (not an executive officer: the 2019 rules alone) whose bonus
    was calculated on a restated FY2021, with fault found: 150,000 USD recoverable, 100,000
    by repayment and 50,000 by cancellation where both are open."""
    case = {
        "case_id": "lists", "as_of": "2024-06-30", "company": {"fiscal_year_end": "12-31"},
        "participant": {"section16_officer": True, "executive_officer": False,
                        "positions": ["VP"], "work_location": "US-NY"},
        "statements": [{"id": "FY2021", "original_filing_date": "2022-02-18",
                        "first_public_issuance": "2022-02-09", "restated": True}],
        "restatement": {"material": True, "kind": "big_r", "required_date": "2024-05-10",
                        "due_to_misconduct": False},
        "awards": [{"id": "bonus", "kind": "cash_incentive", "basis": ["financial_results"],
                    "granted": "2021-02-10", "received": "2022-03-01",
                    "calculated_on": ["FY2021"], "amount_awarded": "500000",
                    "amount_paid": "300000", "amount_as_restated": "350000"}],
        "findings": {"misconduct": "gross_negligence", "caused_restatement": "partially",
                     "should_repay": True},
        "law": {"recovery_prohibited": False, "prohibited_remedies": []},
        "stock_sales": []}
    for path, value in changes.items():
        *parents, last = path.split(".")
        holder = case
        for part in parents:
            holder = holder[int(part)] if part.isdigit() else holder[part]
        holder[last] = value
    return case


def _kept(policy, data: dict, fact: str) -> list:
    """Each answer of the one question on `fact`, applied to the case: what it gives."""
    determination = evaluate(policy, read_case_data(data))
    assert determination.outcome == "pending"
    [question] = determination.open_questions
    assert question.fact == fact
    found = []
    for answer in question.answers:
        for value in answer.if_ if answer.if_ and isinstance(answer.if_[0], list) \
                else [answer.if_]:
            given = _fault_case(**{fact.replace("[", ".").replace("]", ""): value})
            got = evaluate(policy, read_case_data(given))
            assert got.outcome == answer.outcome, (value, answer)
            found.append((value, got.outcome))
    return found


def test_a_value_looked_for_in_a_list_not_known_yet_is_asked(qualys_revised):
    """`unless repayment in law.prohibited_remedies`: the list is asked with each remedy the
    policy names, alone and together; where law bars both, nothing is recovered."""
    found = _kept(qualys_revised, _fault_case(**{"law.prohibited_remedies": None}),
                  "law.prohibited_remedies")
    assert found == [([], "recovery"), (["cancellation"], "recovery"),
                     (["repayment"], "recovery"), (["cancellation", "repayment"], "no_recovery")]


def test_a_list_naming_records_of_the_case_is_asked_with_their_keys(qualys_revised):
    """`calculated_on` names the case's statements (a link): not known, it is asked with the
    statements the case lists, not taken as naming none."""
    found = _kept(qualys_revised, _fault_case(**{"awards.0.calculated_on": None}),
                  "awards[0].calculated_on")
    assert found == [([], "no_recovery"), (["FY2021"], "recovery")]


def _excused_case(restated, held=None, **findings) -> dict:
    """An executive officer's fully paid bonus under Rule 10D-1 alone (no fault: the 2019
    rules recover nothing), with one of the Rule's exceptions found."""
    case = _fault_case(**{"awards.0.amount_paid": "500000",
                          "awards.0.amount_as_restated": restated})
    case["as_of"] = "2024-06-28"
    case["participant"].update(executive_officer=True, executive_officer_since="2020-01-01",
                               positions=["GC"])
    case["statements"] = [{"id": "FY2023", "original_filing_date": "2024-02-16",
                           "first_public_issuance": "2024-02-07", "restated": True}]
    case["awards"][0].update(granted="2023-02-09", received="2023-12-31",
                             calculated_on=["FY2023"],
                             performance_period={"start": "2023-01-01", "end": "2023-12-31"})
    if held is not None:
        case["awards"][0]["held_in_tax_qualified_plan"] = held
    case["findings"] = {"misconduct": "none", "caused_restatement": "not_caused",
                        "should_repay": False, "decided_by": "compensation_committee",
                        **findings}
    return case


def test_what_an_exception_excuses_moves_with_the_answer_as_the_amount_does(qualys_revised):
    """The cost of recovery (150,000 USD) exceeds the excess 500,000 - R exactly where R is
    above 350,000; a tax-qualified plan holding 40,000 excuses min(40,000, 500,000 - R). The
    answers turn there and only there (what is excused was once taken as the amount at the
    answer tried, which turned the result at every answer tried), and each answer, applied,
    gives what it says."""
    cases = [
        (_excused_case(None, impracticable="cost_exceeds_recovery",
                       recovery_attempt_documented=True, recovery_cost="150000"),
         [("< 350000.01 USD", "recovery", ["0", "350000"]),
          (">= 350000.01 USD", "no_recovery", ["350000.01", "499999.99", "600000"])]),
        (_excused_case(None, held="40000", impracticable="tax_qualified_plan"),
         [("< 460000.00 USD", "recovery", ["0", "459999.99"]),
          (">= 460000.00 USD", "no_recovery", ["460000", "500000"])])]
    for data, expected in cases:
        determination = evaluate(qualys_revised, read_case_data(data))
        [question] = determination.open_questions
        assert [(a.if_, a.outcome) for a in question.answers] == [e[:2] for e in expected]
        assert not any(n.startswith("not settled") for n in determination.awards[0].notes)
        for _, outcome, values in expected:
            for value in values:
                data["awards"][0]["amount_as_restated"] = value
                got = evaluate(qualys_revised, read_case_data(data))
                assert got.outcome == outcome, (value, got.outcome)


def test_a_month_day_not_known_is_asked_as_runs_of_days_each_kept(qualys_revised):
    """`company.fiscal_year_end` not known (a text of the form month-day): every day of the
    year is an answer the form admits, so the search tries them all and the question lists
    runs of neighbouring days that lead to the same result, never no answer at all. The
    look-back's three fiscal years before 2024-05-10 reach the FY2023 bonus (attained
    2023-12-31) unless the year ends between 05-10 and 12-30; applied, each run's first and
    last day give what the answer says."""
    data = _excused_case("400000")  # no exception found: 100,000 if in the look-back
    data["company"]["fiscal_year_end"] = None
    determination = evaluate(qualys_revised, read_case_data(data))
    assert determination.outcome == "pending"
    assert determination.awards[0].recoverable_range.model_dump(mode="json") == {
        "min": {"amount": "0.00", "unit": "USD"}, "max": {"amount": "100000.00", "unit": "USD"}}
    assert not any(n.startswith("not settled") for n in determination.awards[0].notes)
    [question] = determination.open_questions
    assert question.fact == "company.fiscal_year_end"
    got = [(a.if_, a.outcome, a.recoverable and a.recoverable.amount) for a in question.answers]
    assert got == [(["01-01 to 05-09", "12-31"], "recovery", "100000.00"),
                   ("05-10 to 12-30", "no_recovery", None)]
    for answer in question.answers:
        runs = answer.if_ if isinstance(answer.if_, list) else [answer.if_]
        for day in (d for run in runs for d in run.split(" to ")):
            data["company"]["fiscal_year_end"] = day
            kept = evaluate(qualys_revised, read_case_data(data))
            assert kept.outcome == answer.outcome, day
            if answer.recoverable is not None:
                assert kept.total_recoverable == answer.recoverable, day


def _example(name: str) -> dict:
    path = ROOT / "examples" / "cases" / "revisions" / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.pop("expect", None)
    return data


def test_an_amount_bounded_by_nothing_gives_a_range_with_no_most(qualys_revised):
    """An amount the vocabulary bounds by nothing grows with the answer without limit: no
    most is made up from the ceiling the search stops at (it read 999999999847000.00 and
    1000000001575000.00 USD). Revisions/05 with `amount_awarded` not known: the pending
    award recovers at least 0.00 USD, with no most; revisions/07 with a stock sale's profit
    not known: a profit of a cent or more adds itself to the 1,575,000.00 USD the rest
    recovers, so at least 1,575,000.01 USD with no most, and none leaves 1,575,000.00 USD
    (where the sale's amount turns to nothing is noted, decide.py's `_others`); the
    question is asked in words."""
    data = _example("05-10d1-impracticable-home-country-law.yaml")
    data["awards"][0]["amount_awarded"] = None
    [award] = evaluate(qualys_revised, read_case_data(data)).awards
    assert award.outcome == "pending"
    assert award.recoverable_range.model_dump(mode="json") == {
        "min": {"amount": "0.00", "unit": "USD"}, "max": None}

    data = _example("07-sox304-ceo-window-and-stock-sales.yaml")
    data["stock_sales"][1]["profit"] = None
    determination = evaluate(qualys_revised, read_case_data(data))
    [question] = determination.open_questions
    assert (question.fact, question.question) == (
        "stock_sales[1].profit",
        "What profit did the participant make on this sale of company stock?")
    none, answer = question.answers
    assert (none.if_, none.outcome, none.recoverable.amount) == (
        "< 0.01 USD", "recovery", "1575000.00")
    assert answer.if_ == ">= 0.01 USD" and answer.recoverable_depends_on_answer
    assert answer.recoverable_range.model_dump(mode="json") == {
        "min": {"amount": "1575000.01", "unit": "USD"}, "max": None}


def test_a_statement_date_before_its_period_ended_is_no_admissible_answer(qualys_2019):
    """A statement is filed once its period has ended (the vocabulary's constraint on its
    dates), so an unknown filing date is answered only from the period's end: qualys-2019's
    example 01 with FY2021's filing date unknown was pending on the answer "<= 2020-09-28",
    a filing before FY2021 ended. Every admissible answer recovers: the award is decided,
    and the note names the unknown as not needed."""
    path = ROOT / "examples" / "cases" / "01-full-recovery-paid-bonus.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.pop("expect", None)
    [statement] = [s for s in data["statements"] if s["id"] == "FY2021"]
    statement["original_filing_date"] = None
    index = data["statements"].index(statement)
    determination = evaluate(qualys_2019, read_case_data(data))
    assert (determination.outcome, determination.total_recoverable.amount) == \
        ("recovery", "156000.00")
    assert determination.open_questions == []
    [award] = determination.awards
    assert any(n.startswith(f"not needed: statements[{index}].original_filing_date")
               for n in award.notes), award.notes


def test_a_date_asked_lies_within_every_constraint_of_its_statement(qualys_2019):
    """A statement's period ends no later than its filing and its issuance: with the period's
    end unknown, the dates tried end at the earlier of the two (here the filing, the
    issuance coming after it), and a filing date unknown starts at the period's end."""
    from clawpolicy.evaluate.decide import Determiner
    from clawpolicy.evaluate.exact import Exact

    path = ROOT / "examples" / "cases" / "01-full-recovery-paid-bonus.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.pop("expect", None)
    data["statements"][0].update(period_end=None, original_filing_date="2022-02-18",
                                 first_public_issuance="2022-02-20")
    determiner = Determiner(qualys_2019, read_case_data(data).case, {})
    exact = Exact(determiner, determiner.run())
    assert str(exact.domain("statements[0].period_end").hi) == "2022-02-18"
    data["statements"][0].update(period_end="2021-12-31", original_filing_date=None)
    determiner = Determiner(qualys_2019, read_case_data(data).case, {})
    exact = Exact(determiner, determiner.run())
    assert str(exact.domain("statements[0].original_filing_date").lo) == "2021-12-31"


def test_a_month_day_past_the_bound_is_still_answered(qualys_revised):
    """Past the bound of combinations the facts are asked one by one (the fallback); a
    month-day was then asked with no answer at all. Revisions/01 with the fiscal year end and
    four other facts unknown: the year end's answers cover every day of the year, as runs,
    each applied where it leads."""
    data = _example("01-10d1-no-fault-recovery.yaml")
    data["company"]["fiscal_year_end"] = None
    data["restatement"].update(material=None, kind=None, required_date=None)
    data["awards"][0]["amount_as_restated"] = None
    data["participant"]["executive_officer_since"] = None
    determination = evaluate(qualys_revised, read_case_data(data))
    assert any(n.startswith("not settled exactly") for n in determination.awards[0].notes)
    [question] = [q for q in determination.open_questions
                  if q.fact == "company.fiscal_year_end"]
    runs = [r for a in question.answers for r in (a.if_ if isinstance(a.if_, list)
                                                   else [a.if_])]
    assert runs and runs[0].startswith("01-01") and any(r.endswith("12-31") for r in runs)
    for answer in question.answers:
        assert answer.outcome == "pending" and answer.pending_on, answer
