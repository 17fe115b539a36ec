"""`clawpolicy fmt`: one canonical layout, comments kept, idempotent, meaning kept."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import shutil
from decimal import Decimal

import pytest
from hypothesis import given
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
from tests.strategies import fuzzed

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
    shipped = len(list(POLICIES.rglob("*.claw")))  # Qualys (2019, revised, 3 revisions), others
    assert shipped >= 6
    assert result.stdout == f"{shipped} of {shipped} files already formatted\n"


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
            # The seal repeats the policy's fingerprint, which the layout changes.
            a["seal"].pop("policy_sha256"), b["seal"].pop("policy_sha256")
            assert a == b, case.name


def test_check_names_the_files_that_would_change_and_fmt_rewrites_them(tmp_path):
    path = tmp_path / "p.claw"
    path.write_text('policy "P" effective 2019-02-08 end # trailing\n'
                    "define d as 1+2*3   end\n")
    result = runner.invoke(app, ["fmt", "--check", str(path)])
    assert result.exit_code == EXIT_FINDINGS
    assert result.stdout.startswith(f"would reformat {path}\n")
    assert runner.invoke(app, ["fmt", str(path)]).exit_code == 0
    assert path.read_text() == ('policy "P"\n  effective 2019-02-08\nend  # trailing\n\n'
                                "define d\n  as 1 + 2 * 3\nend\n")
    assert runner.invoke(app, ["fmt", "--check", str(path)]).exit_code == 0


@pytest.mark.parametrize("written, printed", [
    ("(a and b) or (c and d)", "(a and b) or (c and d)"),
    ("(a and b) or c", "(a and b) or c"),
    ("a and b or c", "(a and b) or c"),
    ("a or b and c", "a or (b and c)"),
    ("a and (b or c) and d", "a and (b or c) and d"),
    ("not (a or b) and c", "not (a or b) and c"),
    ("a and b and c or d or e", "(a and b and c) or d or e"),
])
def test_and_and_or_never_mix_without_parentheses(written, printed):
    assert formatted(f"define d as {written} end") == f"define d\n  as {printed}\nend\n"


def test_a_long_mixed_expression_keeps_its_parentheses_over_several_lines():
    long = " and ".join(f"condition_number_{i}_of_a_long_list" for i in range(3))
    text = formatted(f"define d as ({long}) or short end")
    assert text == (
        "define d\n"
        "  as (condition_number_0_of_a_long_list\n"
        "      and condition_number_1_of_a_long_list\n"
        "      and condition_number_2_of_a_long_list)\n"
        "  or short\n"
        "end\n")
    assert formatted(text) == text


# Each line as written, and as fmt prints it (None: the same).
COMMENTED = [
    ('policy "P"  # the name', None),
    ("  effective 2019-02-08 # from the board", "  effective 2019-02-08  # from the board"),
    ("end", None),
    ("", None),
    ("fact flag: boolean # a flag", "fact flag: boolean  # a flag"),
    ('  asks "Is it?"  # the question', None),
    ("end", None),
    ("", None),
    ("condition c  # the opener", None),
    ('  clause "C" # the clause', '  clause "C"  # the clause'),
    ('  quote "the words"  # the quote', None),
    # `a` no longer ends a printed line: its comment goes above the joined expression.
    ("  requires a   # the first", "  # the first"),
    ("    and b # the second", "  requires a and b  # the second"),
    ("end # done", "end  # done"),
    ("", None),
    ("revision r", None),
    ('  clause "R"', None),
    ('  quote "r"', None),
    ("  applies to participant.section16_officer  # who", None),
    ("  effective 2023-12-01  # when", None),
    ("", None),
    ("  remove condition c # gone", "  remove condition c  # gone"),
    ('    clause "R"', None),
    ('    quote "r"', None),
    ("  end", None),
    ("end", None),
]


def test_end_of_line_comments_stay_on_their_line():
    written = "".join(line + "\n" for line, _ in COMMENTED)
    printed = "".join((line if out is None else out) + "\n" for line, out in COMMENTED)
    assert formatted(written) == printed
    assert formatted(printed) == printed


def test_an_end_of_line_comment_with_no_code_to_follow_goes_above():
    # After `requires`, the expression is printed on the same line: the comment has no line
    # of its own to end, so it goes above, as a comment on a line of its own.
    out = formatted("define d\n  as # why\n  a and b\nend\n")
    assert out == "define d\n  # why\n  as a and b\nend\n"
    assert formatted(out) == out


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


@fuzzed(400)
@given(EXPRESSIONS)
def test_any_expression_prints_and_parses_back_to_itself(expr):
    _, module = read(f"define d as {unparse(expr)} end")
    assert module.decls[0].body == expr


def _sparing(node: ast.Expr) -> str:
    """An expression as a drafter may write it: an `and`/`or` chain with only the parentheses
    precedence needs (`a and b or c`), so that fmt has some to add."""
    if not isinstance(node, ast.Logical):
        return unparse(node)
    mine = 1 if node.op == "or" else 2

    def operand(child: ast.Expr, least: int) -> str:
        theirs = 1 if isinstance(child, ast.Logical) and child.op == "or" else \
            2 if isinstance(child, ast.Logical) else 3
        if isinstance(child, ast.If):
            theirs = 0
        return f"({_sparing(child)})" if theirs < least else _sparing(child)
    return f"{operand(node.left, mine)} {node.op} {operand(node.right, mine + 1)}"


def _mixes_without_parentheses(module: ast.Module, text: str) -> list[str]:
    """Each `and`/`or` operand of the other kind that is not between parentheses."""
    found, stack = [], [d.body for d in module.decls]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Logical):
            for child in (node.left, node.right):
                if isinstance(child, ast.Logical) and child.op != node.op and not (
                        text[child.span.start - 1] == "(" and text[child.span.end] == ")"):
                    found.append(child.span.text)
        stack.extend(ast.children(node))
    return found


@fuzzed(300)
@given(EXPRESSIONS, st.randoms(use_true_random=False))
def test_fmt_of_any_expression_is_a_fixed_point_of_the_same_tree_with_mixes_parenthesized(
        expr, rng):
    written = _sparing(expr)
    # Break some lines before `and`/`or`, each after an end-of-line comment (the generated
    # texts cannot hold the words `and`/`or`, so no break falls inside a quoted text).
    pieces = re.split(r"(?= (?:and|or) )", written)
    broken = "".join(p + (f"  # c{i}\n   " if rng.random() < 0.3 else "")
                     for i, p in enumerate(pieces[:-1])) + pieces[-1]
    source, module = read(f"define d as {broken} end\n")
    out = format_module(module, source)
    out_source, again = read(out)
    assert again == module                                   # the same tree
    assert formatted(out) == out                             # a fixed point
    assert _mixes_without_parentheses(again, out) == []      # `and`/`or` never mix bare
    assert [c.text for c in comments(out_source)] == [c.text for c in comments(source)]


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
