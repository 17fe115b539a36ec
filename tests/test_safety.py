"""What the language and the reader can never do: reach the file system beyond the policy's
folder, run Python, build objects from YAML, or let a binary float near money or dates."""

from __future__ import annotations

import ast as python_ast

import pytest

from clawpolicy.api import CaseError, PolicyError, compile_policy, read_case
from tests.conftest import ROOT

SOURCE_FILES = sorted((ROOT / "clawpolicy").rglob("*.py"))


@pytest.mark.parametrize("path", SOURCE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_binary_float_is_ever_made(path):
    tree = python_ast.parse(path.read_text(encoding="utf-8"))
    for node in python_ast.walk(tree):
        assert not (isinstance(node, python_ast.Call) and isinstance(node.func, python_ast.Name)
                    and node.func.id == "float"), f"{path}:{node.lineno} calls float()"
        assert not (isinstance(node, python_ast.Constant) and isinstance(node.value, float)), \
            f"{path}:{node.lineno} writes a float literal"


def test_the_language_has_no_way_out_to_python_or_files():
    grammar = (ROOT / "grammar" / "clawpolicy.lark").read_text()
    for word in ('"import"', '"open"', '"exec"', '"eval"', '"read"', '"write"', '"call"'):
        assert word not in grammar
    from clawpolicy.check.checker import FUNCTIONS
    assert set(FUNCTIONS) == {"min", "max", "fiscal_year_end_before", "at_the_time_of",
                              "at_any_time_during", "fiscal_period_end_before",
                              "fiscal_years_start_before", "at_price"}


@pytest.mark.parametrize("include", ["/etc/passwd", "../outside.claw", "link.claw"])
def test_includes_cannot_leave_the_policy_folder(tmp_path, include):
    (tmp_path / "outside.claw").write_text('policy "Outside" effective 2019-02-08 end\n')
    folder = tmp_path / "policy"
    folder.mkdir()
    (folder / "link.claw").symlink_to(tmp_path / "outside.claw")
    (folder / "main.claw").write_text(f'include "{include}"\n')
    with pytest.raises(PolicyError) as caught:
        compile_policy(folder / "main.claw")
    assert [d.code for d in caught.value.diagnostics] == ["CP0111"]


def test_yaml_cannot_build_objects_or_expand_aliases(tmp_path):
    for text in ("case_id: !!python/object/apply:os.system ['echo pwned']\nas_of: 2024-06-30\n",
                 "a: &x [1, 2]\nb: *x\ncase_id: c\nas_of: 2024-06-30\n"):
        path = tmp_path / "case.yaml"
        path.write_text(text)
        with pytest.raises(CaseError) as caught:
            read_case(path)
        assert caught.value.diagnostics[0].code == "CP0401"


def test_amounts_stay_exact_through_yaml_and_json(tmp_path):
    for name, text in (("c.yaml", "case_id: c\nas_of: 2024-06-30\nawards:\n  - id: a\n"
                                  "    amount_awarded: 0.1\n    amount_paid: 0.1\n"),
                       ("c.json", '{"case_id": "c", "as_of": "2024-06-30", "awards": '
                                  '[{"id": "a", "amount_awarded": 0.1, "amount_paid": 0.1}]}')):
        path = tmp_path / name
        path.write_text(text)
        award = read_case(path).case.awards[0]
        assert str(award.amount_awarded) == "0.1" and type(award.amount_awarded).__name__ == \
            "Decimal"
