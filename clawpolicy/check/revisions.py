"""The checks of revisions: each names a sub-set that can hold, of participants only; each
change names a rule the policy has; revisions that may share a participant and change the
same rule say how they combine, and alternatives combine one way."""

from __future__ import annotations

from clawpolicy.core import types as t
from clawpolicy.check import subsets
from clawpolicy.core.source import Span
from clawpolicy.syntax import ast


class RevisionChecks:
    """Part of the checker (`checker._Checker`): the revision checks, over its tables."""

    def _check_revision(self, revision: ast.Revision) -> None:
        if revision.applies_to is None:
            self.error("CP0228", f"the revision `{revision.name}` names no sub-set of "
                       "participants", "add `applies to PREDICATE`, e.g. `applies to "
                       f"{self.vocabulary.roles.subject_example}`", revision.name_span)
        else:
            self.boolean(revision.applies_to, {}, 0, "`applies to`")
            for node in self._reads(revision.applies_to):
                resolution = self.resolutions.get(id(node))
                if resolution is not None and resolution.kind == "root" \
                        and resolution.target not in self.subject_roots:
                    first, *others = self.subject_roots
                    self.error("CP0223", f"`applies to` reads `{node.name}`, which is not a "
                               "fact about the participant",
                               f"name the sub-set by facts of `{first}` (or "
                               f"{', '.join(f'`{o}`' for o in others)})", node.span)
                    break
            if not subsets.can_hold(self.subset(revision), self._domain):
                self.error("CP0221", f"the sub-set of revision `{revision.name}` can never "
                           "hold", "a participant must be able to satisfy `applies to`",
                           revision.applies_to.span)
        if revision.reaches is not None:
            self.boolean(revision.reaches, {}, 0, "`reaches`")
        targets: dict[str, Span] = {}
        for change in revision.changes:
            if change.target in targets:
                self.error("CP0227", f"the revision `{revision.name}` changes "
                           f"`{change.target}` twice", "change each rule once per revision",
                           change.target_span)
            targets[change.target] = change.target_span
            self._check_change(revision, change)
        for combine in revision.combines:
            other = next((r for r in self.revisions if r.name == combine.other), None)
            if combine.other == ast.BASE_POLICY:  # the unrevised rules, as an alternative
                continue
            if other is None or other is revision:
                self.error("CP0225", f"`{combine.other}` is not another revision",
                           "name the revision this one combines with, or `policy` for the "
                           "unrevised rules", combine.other_span)

    def _check_change(self, revision: ast.Revision, change: ast.Change) -> None:
        if change.action == "add":
            self._check_rule(change.rule)
            return
        base = self.by_name.get(change.target)
        if base is None or base.kind != change.kind:
            same = [r.name for r in self.rules if r.kind == change.kind]
            verb = {"replace": "replaces", "remove": "removes", "modality": "changes"}
            self.error("CP0220", f"the revision `{revision.name}` {verb[change.action]} "
                       f"{change.kind} `{change.target}`, but the policy has no such "
                       f"{change.kind}", f"expected one of: {', '.join(same)}" if same else
                       f"the policy has no {change.kind} to change; `add` one instead",
                       change.target_span)
            return
        if change.rule is not None:
            self._check_rule(change.rule)

    def subset(self, revision: ast.Revision):
        def definition(name: str):
            rule = self.by_name.get(name)
            return rule.body if rule is not None and rule.kind == "definition" else None
        return subsets.normal_form(revision.applies_to, definition, self._domain,
                                   self.vocabulary.roles.subject)

    def _domain(self, path: str) -> tuple | None:
        subject = self.case.fields[self.vocabulary.roles.subject].type
        field_type = subject.fields.get(path.split(".")[-1])
        if field_type is None:
            return None
        if field_type.type == t.BOOLEAN:
            return (True, False)
        if isinstance(field_type.type, t.Enum):
            return field_type.type.values
        return None

    def _check_combinations(self) -> None:
        """Revisions (and the policy itself) that are alternatives to one another combine one
        way: the greatest of some and the least of others has no meaning."""
        links: dict[str, set[str]] = {}
        for revision in self.revisions:
            for combine in revision.combines:
                links.setdefault(revision.name, set()).add(combine.other)
                links.setdefault(combine.other, set()).add(revision.name)
        seen: set[str] = set()
        for start in links:
            if start in seen:
                continue
            group, stack = set(), [start]
            while stack:
                name = stack.pop()
                if name not in group:
                    group.add(name)
                    stack.extend(links.get(name, ()))
            seen |= group
            combines = [c for r in self.revisions if r.name in group for c in r.combines]
            for combine in combines[1:]:
                if combine.how != combines[0].how:
                    self.error("CP0226", f"alternatives combine both by the greater and by the "
                               f"lesser amount ({', '.join(sorted(group))})",
                               f"say `{combines[0].how}` in every combination of these "
                               "alternatives", combine.span)
                    break

    def _check_conflicts(self) -> None:
        """Two revisions whose sub-sets can share a participant and that change the same rule
        must say how they combine."""
        self._check_combinations()
        declared = {(r.name, c.other) for r in self.revisions for c in r.combines}
        for i, first in enumerate(self.revisions):
            for second in self.revisions[i + 1:]:
                common = sorted(first.targets & second.targets)
                combined = (first.name, second.name) in declared \
                    or (second.name, first.name) in declared
                if not common or combined or first.applies_to is None \
                        or second.applies_to is None:
                    continue
                if subsets.can_overlap(self.subset(first), self.subset(second), self._domain):
                    self.error("CP0224", f"revisions `{first.name}` and `{second.name}` both "
                               f"change {', '.join(f'`{c}`' for c in common)}, and one "
                               "participant can be in both sub-sets",
                               f"say how they combine: `combine with {first.name} by greater "
                               "... end` (or `lesser`), or make the sub-sets exclusive",
                               second.name_span)
