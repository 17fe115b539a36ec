"""The lowering reads each block's parts by name (`lower.PARTS`); these tests hold that table
to the grammar, so a change to a grammar rule cannot silently shift what a name reads."""

from __future__ import annotations


from clawpolicy.core.source import SourceFile
from clawpolicy.syntax import ast
from clawpolicy.syntax.lower import PARTS, _parts, lower
from clawpolicy.syntax.parse import parse, parser
from tests.conftest import ROOT


def _policy_files():
    return sorted(p for p in (ROOT / "policies").rglob("*.claw"))


def _trees():
    for path in _policy_files():
        source = SourceFile(str(path), path.read_text(encoding="utf-8"))
        yield parse(source)


def test_every_named_rule_is_a_rule_of_the_grammar():
    grammar_rules = {str(r.origin.name) for r in parser().rules} | \
                    {str(r.alias) for r in parser().rules if r.alias}
    assert set(PARTS) <= grammar_rules


def test_every_block_rule_of_the_grammar_has_named_parts():
    block_rules = {str(r.origin.name) for r in parser().rules
                   if str(r.origin.name) in ast.RULE_CLASSES}
    assert block_rules == set(ast.RULE_CLASSES)
    assert block_rules <= set(PARTS)


def test_the_shipped_policies_use_every_named_rule_and_each_reads_by_its_names():
    seen = set()
    for tree in _trees():
        for node in tree.iter_subtrees():
            if str(node.data) in PARTS:
                seen.add(str(node.data))
                parts = _parts(node)  # raises if the grammar gave another number of parts
                assert list(parts) == list(PARTS[str(node.data)])
    # Parts no shipped policy uses are exercised by the bad-policy corpus and the docs.
    assert seen >= {"header", "include", "definition", "scope", "condition", "recoverable",
                    "remedy", "note", "recital", "revision", "applies_to", "reaches",
                    "replace_change", "add_change", "combine"}


def test_each_block_lowers_to_its_own_class():
    source = SourceFile("t.claw", '''
policy "P" effective 2020-01-01 end
fact grade: one of {a, b} asks "Which grade?" end
define d clause "1" quote "q" as 1 end
scope s clause "1" quote "q" requires true end
condition c clause "1" quote "q" requires d > 0 end
recoverable r clause "1" quote "q" is 5 USD end
remedy m clause "1" quote "q" shall recover up to r unless false end
note n clause "1" quote "q" when true says "t" end
provision p clause "1" quote "q" effect "e" end
recital x clause "1" quote "q" because "b" end
other o clause "1" quote "q" when true for s in stock_sales where true recover 1 USD end
''')
    module = lower(parse(source), source)
    kinds = [(type(d).__name__, getattr(d, "kind", None)) for d in module.decls]
    assert kinds == [("Header", None), ("FactDecl", None), ("Definition", "definition"),
                     ("Scope", "scope"), ("Condition", "condition"),
                     ("Recoverable", "recoverable"), ("Remedy", "remedy"), ("Note", "note"),
                     ("Provision", "provision"), ("Recital", "recital"), ("Other", "other")]
    remedy = module.decls[6]
    assert isinstance(remedy, ast.Remedy) and remedy.modality == "shall"
    assert remedy.unless == ast.Bool(False) and remedy.cap == ast.Name("r")
    other = module.decls[-1]
    assert isinstance(other, ast.Other) and other.each.var == "s"
    assert other.each.when == ast.Bool(True) and other.recover.unit == "USD"
