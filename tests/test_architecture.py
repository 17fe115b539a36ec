"""The layout holds what docs/architecture.md promises: imports run one way, the engine
names no word of the case vocabulary, and no module grows past what a reader can hold."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from clawpolicy import vocabulary
from tests.conftest import ROOT

PACKAGE = ROOT / "clawpolicy"
# Words that are the language's or the output contract's own, fixed by the case-format spec
# and the grammar: they may appear in Python although a vocabulary also uses them.
CORE_WORDS = {
    "case_id", "title", "as_of", "facts", "expect", "id", "name", "text", "date", "number",
    "money", "boolean", "record", "unit", "policy", "end", "start", "kind",
    # Words of the policy language (the `other` block) and of plain English in messages.
    "other", "none",
    # The determination's own keys (case-format.md): an output contract, not a case fact.
    "awards", "participant",
}


def _python_files():
    return sorted(p for p in PACKAGE.rglob("*.py") if "vocabulary" not in p.relative_to(
        PACKAGE).parts)


def _vocabulary_words() -> set[str]:
    d = vocabulary.load().declarations
    words = set(d.units)
    for field in d.fields:
        words.add(field.name)
        words.update(field.values)
    for record in d.records.values():
        words.add(record.name)
        for field in record.fields:
            words.add(field.name)
            words.update(field.values)
    return words - CORE_WORDS


def _string_literals(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                                | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in docstrings:
            yield node.lineno, node.value


def test_imports_run_one_way():
    # import-linter, with the contract in pyproject.toml; its command sits beside this Python.
    command = Path(sys.executable).parent / "lint-imports"
    if not command.exists():
        pytest.skip("import-linter is not installed (pip install '.[test]')")
    result = subprocess.run([str(command), "--no-cache"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_no_module_outside_the_vocabulary_names_a_case_field_value_or_unit():
    words = _vocabulary_words()
    found = []
    for path in _python_files():
        for line, literal in _string_literals(path):
            if literal in words:
                found.append(f"{path.relative_to(ROOT)}:{line}: {literal!r}")
    assert found == []


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_longer_than_a_reader_can_hold(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 500
