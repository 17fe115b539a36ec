"""benchmarks/revised_split.py's parts (`--parts`): each is timed where the determination
calls it, nested as the calls are, and the functions wrapped are given back. A part that the
engine stops calling through the wrapped name (settle.py importing `fallback_answers` another
way, say) would vanish from the split silently; here it fails."""

from __future__ import annotations

import json

from clawpolicy import api
from clawpolicy.evaluate import decide, questions
from clawpolicy.evaluate import settle as settling
from tests.conftest import ROOT, benchmark_modules

generate, revised_split = benchmark_modules("generate", "revised_split")


def test_the_parts_nest_as_the_calls_do():
    # bench-000012 of run.py's single-award cases (seed 2025): the revised policy asks
    # stock_sales, whose "any other" is settled with one blank sale; the 2019 policy asks
    # nothing of it.
    case = generate.generate_list(13, 2025, 1, 1)[12]
    assert case["case_id"] == "bench-000012"
    policies = {n: api.compile_policy(ROOT / "policies" / f"{n}.claw")
                for n in revised_split.POLICIES}
    wrapped = (settling.settle, settling.fallback_answers, decide.Determiner.run,
               questions._holding)
    best, split = revised_split.timed(policies, [json.dumps(case).encode()], 1, parts=True)
    assert (settling.settle, settling.fallback_answers, decide.Determiner.run,
            questions._holding) == wrapped
    alone = revised_split.ALONE + "stock_sales"
    revised, old = split["qualys"][0], split["qualys-2019"][0]
    assert {revised_split.FIRST, revised_split.SEARCH, alone, revised_split.BLANK} <= set(revised)
    assert alone not in old and revised_split.FIRST in old
    assert revised[revised_split.BLANK] <= revised[alone] <= revised[revised_split.SEARCH]
    assert revised[revised_split.FIRST] + revised[revised_split.SEARCH] <= best["qualys"][0]
