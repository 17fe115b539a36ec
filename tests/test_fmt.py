"""`clawpolicy fmt`: one canonical layout, comments kept, idempotent, meaning kept."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from clawpolicy.api import compile_policy, evaluate, read_case
from clawpolicy.cli import EXIT_FINDINGS, EXIT_POLICY, app
from clawpolicy.render import json as json_render
from clawpolicy.core.source import SourceFile
from clawpolicy.syntax import ast
from clawpolicy.syntax.lower import lower
from clawpolicy.syntax.parse import parse
from clawpolicy.syntax.printer import comments, format_module, unparse
from tests.conftest import EXAMPLE_CASES, POLICIES, REVISION_CASES, ROOT

runner = CliRunner()
def _parses(path) -> bool:
    from clawpolicy.core.diagnostics import DiagnosticError

    try:
        source = SourceFile(path.name, path.read_text(encoding="utf-8"))
        lower(parse(source), source)
    except DiagnosticError:
        return False
    return True


# Every policy file of the repository that parses (a few corpus files are broken on purpose).
POLICY_FILES = [p for p in sorted(POLICIES.rglob("*.claw")) + sorted(
    (ROOT / "tests" / "bad_policies").rglob("*.claw")) if _parses(p)]


def read(text: str, name: str = "p.claw"):
    source = SourceFile(name, text)
    return source, lower(parse(source), source)


def formatted(text: str) -> str:
    source, module = read(text)
    return format_module(module, source)


def test_the_shipped_policies_are_formatted():
    result = runner.invoke(app, ["fmt", "--check", str(POLICIES)])
    assert result.exit_code == 0, result.stdout
    assert result.stdout == "5 of 5 files already formatted\n"


@pytest.mark.parametrize("path", POLICY_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_formatting_keeps_meaning_and_comments_and_is_idempotent(path):
    source, module = read(path.read_text(encoding="utf-8"))
    once = format_module(module, source)
    again_source, again = read(once)
    assert again == module                      # the same rules, span aside
    assert formatted(once) == once               # fmt(fmt(x)) == fmt(x)
    assert [c.text for c in comments(again_source)] == [c.text for c in comments(source)]


def _messy(text: str, seed: int) -> str:
    """The same policy with its indentation and blank lines scrambled."""
    rng = random.Random(seed)
    lines = []
    for line in text.splitlines():
        lines.append(" " * rng.randint(0, 6) + line.strip())
        if rng.random() < 0.2:
            lines.append("")
    return "\n".join(lines) + "\n"


def test_formatted_policies_give_identical_determinations_on_every_example(tmp_path):
    messy = tmp_path / "messy"
    shutil.copytree(POLICIES, messy)
    for i, path in enumerate(sorted(messy.rglob("*.claw"))):
        path.write_text(formatted(_messy(path.read_text(), i)))
    for name, cases in (("qualys-2019.claw", EXAMPLE_CASES), ("qualys.claw", REVISION_CASES)):
        original, reformatted = compile_policy(POLICIES / name), compile_policy(messy / name)
        for case in cases:
            a = json.loads(json_render.render(evaluate(original, read_case(case))))
            b = json.loads(json_render.render(evaluate(reformatted, read_case(case))))
            a.pop("policy"), b.pop("policy")
            assert a == b, case.name


def test_check_names_the_files_that_would_change_and_fmt_rewrites_them(tmp_path):
    path = tmp_path / "p.claw"
    path.write_text('policy "P" effective 2019-02-08 end # trailing\n'
                    "define d as 1+2*3   end\n")
    result = runner.invoke(app, ["fmt", "--check", str(path)])
    assert result.exit_code == EXIT_FINDINGS
    assert result.stdout.startswith(f"would reformat {path}\n")
    assert runner.invoke(app, ["fmt", str(path)]).exit_code == 0
    assert path.read_text() == ('# trailing\npolicy "P"\n  effective 2019-02-08\nend\n\n'
                                "define d\n  as 1 + 2 * 3\nend\n")
    assert runner.invoke(app, ["fmt", "--check", str(path)]).exit_code == 0


def test_a_file_that_does_not_parse_is_reported_not_rewritten(tmp_path):
    path = tmp_path / "p.claw"
    path.write_text("define d as end\n")
    result = runner.invoke(app, ["fmt", str(path)])
    assert result.exit_code == EXIT_POLICY and "CP0101" in result.stderr
    assert path.read_text() == "define d as end\n"


# ---------------------------------------------------------------- any expression round-trips

NAMES = st.sampled_from(["a", "b", "award", "findings", "x_1"])
LEAVES = st.one_of(
    st.builds(ast.Name, NAMES),
    st.builds(ast.Number, st.decimals(min_value=0, max_value=10_000, places=2)
              .map(lambda d: Decimal(d))),
    st.builds(ast.Bool, st.booleans()),
    st.builds(ast.DateLit, st.dates(min_value=dt.date(2000, 1, 1))),
    st.builds(ast.DurationLit, st.integers(1, 36), st.sampled_from(["years", "months", "days"])),
    st.builds(ast.Text, st.text("ab \"\\'c", max_size=6).map(lambda t: " ".join(t.split()))),
    st.builds(ast.MoneyLit, st.integers(0, 10**6).map(Decimal), st.sampled_from(["USD",
                                                                                "shares"])),
)


def _grow(children):
    return st.one_of(
        st.builds(ast.Field, children, NAMES),
        st.builds(ast.Unary, st.sampled_from(["not", "-"]), children),
        st.builds(ast.Binary, st.sampled_from(["+", "-", "*", "/", "=", "!=", "<", "<=", ">",
                                               ">=", "in", "not in", "overlaps"]),
                  children, children),
        st.builds(ast.Logical, st.sampled_from(["and", "or"]), children, children),
        st.builds(ast.Test, children, st.sampled_from(["known", "unknown", "present",
                                                       "absent"])),
        st.builds(ast.If, children, children, children),
        st.builds(ast.Call, st.sampled_from(["min", "max"]),
                  st.lists(children, min_size=1, max_size=3).map(tuple)),
        st.builds(ast.SetLit, st.lists(children, max_size=3).map(tuple)),
        st.builds(ast.Quantifier, st.sampled_from(["any", "every"]), NAMES, children, children),
        st.builds(ast.Aggregate, st.just("sum"), NAMES, children, children,
                  st.one_of(st.none(), children)),
        st.builds(ast.Aggregate, st.just("count"), NAMES, children, st.none(),
                  st.one_of(st.none(), children)),
    )


EXPRESSIONS = st.recursive(LEAVES, _grow, max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(EXPRESSIONS)
def test_any_expression_prints_and_parses_back_to_itself(expr):
    _, module = read(f"define d as {unparse(expr)} end")
    assert module.decls[0].body == expr


# ---------------------------------------------------------------- highlighting

def test_pygments_finds_the_lexer_by_name_and_file_name_and_lexes_without_errors():
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
    from pygments.token import Error, Keyword

    lexer = get_lexer_by_name("claw")
    assert type(lexer).__name__ == "ClawPolicyLexer"
    assert type(get_lexer_for_filename("qualys.claw")).__name__ == "ClawPolicyLexer"
    for path in sorted(POLICIES.rglob("*.claw")):
        tokens = list(lexer.get_tokens(path.read_text()))
        assert not [t for t in tokens if t[0] is Error], path
        assert (Keyword.Declaration, "end") in tokens or path.name == "qualys.claw"
