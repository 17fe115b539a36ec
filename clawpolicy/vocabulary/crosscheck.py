"""The checks of a vocabulary across its declarations (declarations.py reads each one alone):
links and constraints that name fields which are there, labels read one way, summaries whose
paths exist, derived fields and tables that fit, questions whose placeholders can be filled
in, no record that holds itself. A mixin of declarations' reader, whose `fail` it uses."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clawpolicy.vocabulary.declarations import ConstraintDecl, Declarations, RecordDecl

_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")


class CrossChecks:
    """What is checked once every declaration has been read (`fail` is the reader's)."""

    def cross_check(self, d: Declarations) -> None:
        keyed = {r.name for r in d.records.values() if r.key}
        labelled: dict[str, str] = {}  # a word is read one way, whichever enum it is of
        for where, f in self._all_fields(d):
            for word, label in f.labels:
                if labelled.setdefault(word, label) != label:
                    raise self.fail(f"{where}.labels.{word}", f"`{word}` is labelled "
                                    f"\"{labelled[word]}\" elsewhere: a word reads one way")
            if f.record is not None and f.record not in d.records:
                raise self.fail(f"{where}.record", f"no record is named `{f.record}`")
            target = next((c for c in d.fields if c.name == f.names and c.list), None)
            if f.names is not None and (target is None or target.record not in keyed):
                raise self.fail(f"{where}.names", "expected a list of the case whose records "
                                "have a key")
            if f.question is not None:
                names = self._placeholders(f.question, f"{where}.question")
                unknown = names - keyed
                if unknown:
                    raise self.fail(f"{where}.question", f"`{{{sorted(unknown)[0]}}}` names "
                                    "no record with a key; expected one of: "
                                    f"{', '.join(sorted(keyed)) or 'none has a key'}")
        self._no_cycle(d)
        self._distinct(d)
        self._derived(d)
        case_fields = {f.name: f for f in d.fields}
        for record in d.records.values():
            where = f"records.{record.name}"
            for link in record.links:
                via, target = record.field(link.via), case_fields.get(link.target)
                if via is None or via.type != "text" or not via.list:
                    raise self.fail(f"{where}.links.{link.name}.via", "expected a list of "
                                    "texts of the record")
                if target is None or not target.list or target.record is None \
                        or d.records[target.record].key is None:
                    raise self.fail(f"{where}.links.{link.name}.list", "expected a list of "
                                    "the case whose records have a key")
                if record.field(link.name) is not None:
                    raise self.fail(f"{where}.links.{link.name}", "a field has this name")
            for i, c in enumerate(record.constraints):
                self._constraint(c, record, case_fields, f"{where}.constraints[{i}]")
        roles = d.roles
        decided = case_fields.get(roles.decided)
        if decided is None or not decided.list or decided.record is None \
                or d.records[decided.record].key is None:
            raise self.fail("roles.decided", "expected a list of records of the case, records "
                            "with a key (the determination names each item by it)")
        if roles.each in case_fields:
            raise self.fail("roles.each", "a field of the case has this name")
        for key, names in (("subject", (roles.subject,)),
                           ("subject_context", roles.subject_context)):
            for name in names:
                f = case_fields.get(name)
                if f is None or f.type != "record" or f.list:
                    raise self.fail(f"roles.{key}", f"`{name}` is not a record of the case")
        # What the determination reports of the subject and of each item: paths that are
        # there (a path that is not would report nothing, in every determination, silently).
        for table, owner in (("summary", case_fields[roles.subject].record),
                             ("item_summary", decided.record)):
            for key, paths in getattr(roles, table):
                for path in (paths if isinstance(paths, tuple) else (paths,)):
                    if not self._path(d, owner, path.split(".")):
                        raise self.fail(f"roles.{table}.{key}", f"`{path}` is not a path of "
                                        f"the record {owner}: expected its fields (a link's, "
                                        "a record's, by a dot)")
        if roles.recovered is not None:
            listed = case_fields.get(roles.recovered[0])
            inner = d.records[listed.record] if listed and listed.record and listed.list else None
            amount = inner.field(roles.recovered[1]) if inner else None
            if amount is None or amount.type != "money" or amount.list or not any(
                    f.names == roles.decided for f in inner.fields):
                raise self.fail("roles.recovered", "expected LIST.AMOUNT: a list of the case, "
                                f"whose records name one of the {roles.decided}, and their "
                                "money field")

    def _constraint(self, c: ConstraintDecl, record: RecordDecl, case_fields: dict,
                    where: str) -> None:
        """Both sides amounts or numbers, or both dates, single fields: `field` of the record,
        `at_most` of the record or (`case.NAME`) of the case; `when` an amount or number of
        the record; a side of the case only where a case that breaks it is not refused (a
        record's model is checked without the case around it)."""
        from clawpolicy.vocabulary.declarations import CORE_DATES

        def declared(name: str, holder: str) -> tuple[str, bool] | None:  # (type, list)
            if holder == "case" and name in CORE_DATES:
                return "date", False
            f = case_fields.get(name) if holder == "case" else record.field(name)
            return (f.type, f.list) if f is not None else None

        if c.of_case == "":  # `case.` alone: of_case names nothing
            raise self.fail(where, "`case.` names no field of the case: expected "
                            "`case.NAME` (`case.as_of`)")
        sides = [(c.field, "record"), (c.of_case or c.at_most, "case" if c.of_case else "record")]
        found = [declared(name, holder) for name, holder in sides]
        for (name, holder), f in zip(sides, found):
            if f is None or f[0] not in ("money", "number", "date") or f[1]:
                raise self.fail(where, f"`{name}` is not an amount, a number or a date of the "
                                f"{holder}")
        if (found[0][0] == "date") != (found[1][0] == "date"):
            raise self.fail(where, f"`{sides[0][0]}` and `{sides[1][0]}` are not both dates, "
                            "nor both amounts or numbers")
        if c.of_case and c.refuse:
            raise self.fail(f"{where}.refuse", "a constraint that names a field of the case "
                            "(`case.NAME`) refuses nothing: expected refuse = false")
        if c.when is not None:
            f = record.field(c.when[0])
            if f is None or f.type not in ("money", "number") or f.list:
                raise self.fail(f"{where}.when.field", f"`{c.when[0]}` is not an amount or "
                                "number of the record")

    @staticmethod
    def _path(d: Declarations, record: str, names: list[str]) -> bool:
        """`names` read from a record `record`: a field, or a link, then a field of the
        record it holds, and so on."""
        for i, name in enumerate(names):
            decl = d.records[record]
            f = decl.field(name)
            link = next((x for x in decl.links if x.name == name), None)
            if f is None and link is None:
                return False
            if i < len(names) - 1:
                inner = f.record if f is not None else next(
                    (c.record for c in d.fields if c.name == link.target), None)
                if inner is None:
                    return False
                record = inner
        return True

    def _distinct(self, d: Declarations) -> None:
        """Records are named in the language by their names without `_`: one name each."""
        seen: dict[str, str] = {}
        for record in d.records.values():
            other = seen.setdefault(record.type_name, record.name)
            if other != record.name:
                raise self.fail(f"records.{record.name}", f"the record `{other}` has the same "
                                "name without `_`")
            for f in record.fields:
                if f.absent == "required" and record.name in d.all_unknown:
                    raise self.fail(f"records.{record.name}.fields.{f.name}.absent", "a record "
                                    'that is "all unknown" when absent has no required field')

    def _derived(self, d: Declarations) -> None:
        """A derived field reads a list of texts of its record, through a table whose rows
        are records of the field's record, by their fields and values."""
        for record in d.records.values():
            for f in record.fields:
                if f.same_as is not None:
                    other = record.field(f.same_as)
                    if other is None or other is f or (other.type, other.list, other.values) \
                            != (f.type, f.list, f.values) or other.same_as is not None:
                        raise self.fail(f"records.{record.name}.fields.{f.name}.same_as",
                                        "expected another field of the record, of the same "
                                        "type, that takes no other's value")
                if f.derive is None:
                    continue
                where = f"records.{record.name}.fields.{f.name}.derive"
                source, target = record.field(f.derive.source), d.records[f.record]
                if source is None or source.type != "text" or not source.list:
                    raise self.fail(f"{where}.from", "expected a list of texts of the record")
                into = target.field(f.derive.into)
                if into is None or into.type != "text" or into.list:
                    raise self.fail(f"{where}.into", f"expected a text of `{target.name}`")
                if f.derive.table not in d.tables:
                    raise self.fail(f"{where}.table", "expected one of the tables: "
                                    f"{', '.join(d.tables) or 'none is declared'}")
                for text, items in d.tables[f.derive.table].items():
                    for item in items:
                        self._row(target, into.name, item, f"tables.{f.derive.table}.{text}")

    def _row(self, target: RecordDecl, into: str, item: dict, where: str) -> None:
        for name, value in item.items():
            f = target.field(name)
            if f is None or name == into or f.list or f.type not in ("enum", "boolean",
                                                                      "text"):
                raise self.fail(f"{where}.{name}", f"expected a word, true or false, or a "
                                f"text field of `{target.name}` (not `{into}`)")
            fits = (value in f.values if f.type == "enum" else isinstance(value, bool)
                    if f.type == "boolean" else isinstance(value, str))
            if not fits:
                raise self.fail(f"{where}.{name}", f"`{value}` does not fit the field `{name}`")

    def _placeholders(self, question: str, where: str) -> set[str]:
        """The records a question names, each as `{NAME}` (a brace itself is `{{` or `}}`):
        a placeholder that cannot be filled in is refused here, not when a case is asked."""
        import string  # here: a kept policy's vocabulary is never checked (0.4 ms to import)

        try:
            parts = list(string.Formatter().parse(question))
        except ValueError as error:
            what = "a `}` closes no `{`" if "'}'" in str(error) and "Single" in str(error) \
                else "a `{` is not closed" if "expected '}'" in str(error) else str(error)
            raise self.fail(where, f"{what}; expected `{{NAME}}` for the key of a record, and "
                            "`{{` or `}}` for a brace itself") from None
        for _, name, spec, conversion in parts:
            if name is not None and (not name or spec or conversion
                                     or not _NAME.match(name)):
                shown = "{" + name + (f"!{conversion}" if conversion else "") + \
                    (f":{spec}" if spec else "") + "}"
                raise self.fail(where, f"`{shown}` is not a placeholder; expected `{{NAME}}` "
                                "for the key of a record, and `{{` or `}}` for a brace itself")
        return {name for _, name, _, _ in parts if name}

    def _no_cycle(self, d: Declarations) -> None:
        """A record may not hold itself, however deep: a case is a finite tree."""
        def visit(name: str, path: tuple[str, ...]) -> None:
            if name in path:
                raise self.fail(f"records.{name}", "the record holds itself "
                                f"({' > '.join(path + (name,))})")
            for f in d.records[name].fields:
                if f.record is not None:
                    visit(f.record, path + (name,))
        for name in d.records:
            visit(name, ())

    def _all_fields(self, d: Declarations):
        for f in d.fields:
            yield f"case.fields.{f.name}", f
        for record in d.records.values():
            for f in record.fields:
                yield f"records.{record.name}.fields.{f.name}", f
