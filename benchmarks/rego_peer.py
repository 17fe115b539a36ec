"""The peer: the same Qualys 2019 rules in Rego (`qualys_2019.rego`), evaluated with OPA's
Rego through the `regopy` package (rego-cpp), one case as the input document per query.

The module is compiled once into a bundle with `awards` as its entry point, and each case is
a query of that bundle: the fastest of the ways regopy offers (a plain `query` re-plans the
query every time and is some 2.5 times slower). Amounts come back as binary floats."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

MODULE = Path(__file__).with_name("qualys_2019.rego")
ENTRYPOINT = "clawback/qualys2019/awards"


def available() -> str | None:
    """None if regopy can be imported, else why not."""
    try:
        importlib.import_module("regopy")
    except ImportError as error:
        return f"regopy is not installed ({error}); pip install -r benchmarks/requirements.txt"
    return None


def _titles_module() -> str:
    """The vocabulary's table of titles, as the floor reads it (`floor.TITLE_ROLES`: each
    title's key, as `title_key` makes it in Rego, and the roles the title carries)."""
    from floor import TITLE_ROLES

    return f"package clawback.qualys2019\n\ntitle_roles := {json.dumps(TITLE_ROLES, sort_keys=True)}\n"


class RegoPeer:
    def __init__(self, module: Path = MODULE):
        import regopy

        builder = regopy.Interpreter()
        builder.add_module(module.name, module.read_text(encoding="utf-8"))
        builder.add_module("titles.rego", _titles_module())
        self.bundle = builder.build(None, [ENTRYPOINT])
        self.rego = regopy.Interpreter()

    def evaluate(self, case: dict) -> list[dict[str, Any]]:
        """[{id, outcome, recoverable}] for each award in order; recoverable is a float (or
        an int), None when pending."""
        self.rego.set_input(case)
        output = self.rego.query_bundle_entrypoint(self.bundle, ENTRYPOINT)
        if not output.ok():
            raise RuntimeError(f"the Rego peer failed on {case.get('case_id')}: {output}")
        return json.loads(output.expressions().json())[0]
