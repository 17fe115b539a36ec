"""Reasons recorded as the evaluation goes, and rendered in words only for the determination
that is written out.

Where a decision (decide.py) gives a reason, it records what the reason needs: a `Reason`,
the kind of sentence (`explained`: a condition's reason with the windows of dates it states;
`explain`: why an expression came out as it did; `describe`: an operand or an amount with
its derivation), the node, and the environment it was evaluated in, whose memo holds the
value of each operand the evaluation computed, with the evaluator that reads them, and the
words written around it. No English is written then. The runs that answer an open question
record nothing (they give no reasons); of a determination's own runs, what is never shown
is never written: the alternatives the policy's combination does not choose, the trial of
the most a pending award could recover, the awards the exactness rule decides again under
an answer, and every reason of a determination made for its outcomes and amounts alone
(`clawpolicy test`).

`rendered` writes the reasons of the results a determination is made of (determine.py),
where the words are first needed. A model that still holds a recorded reason serializes and
prints as though it were written (determination.py, `Reason.__repr__`), so its JSON never
depends on when its reasons are written; explain.py reads only values the evaluation
computed, so it writes the same words later as it would have then."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from clawpolicy.evaluate.depends import reads_no_item

if TYPE_CHECKING:  # the models import this module
    from pydantic import BaseModel

    from clawpolicy.evaluate.determination import AwardResult
    from clawpolicy.evaluate.env import Env
    from clawpolicy.syntax import ast


# False: every reason is written for itself, none shared between awards (the reference that
# tests/test_reasons_shared.py holds the sharing to, byte for byte).
SHARED = True
# An evaluator's (one run of the case) `written` (expressions.Evaluator): None before its
# first reason, then the fields of its reasons written that read no award, by what they are
# (`Reason.fields`), or this, for a case with one award.
_ALONE: dict = {}


class Reason(NamedTuple):
    """What one reason needs, to be written later: its kind of sentence, the node, the
    environment that holds the values of its operands, the evaluator that computed them,
    and the words before and after it. Immutable, and cheap to make (a tuple: most runs
    make hundreds); equal only to itself."""

    kind: str  # "explain", "describe" or "explained"
    node: "ast.Expr"
    env: "Env"
    evaluator: Any  # expressions.Evaluator (which this module must not import)
    before: str = ""
    after: str = ""

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def words(self) -> str:
        ev = self.evaluator
        said = ev.describe(self.node, self.env) if self.kind == "describe" else \
            ev.explain(self.node, self.env)
        return f"{self.before}{said}{self.after}" if self.before or self.after else said

    def fields(self) -> dict[str, Any]:
        """The fields of a model this reason fills: `because`, and for a condition's reason
        the windows of dates it states. A reason that reads no award (a finding of the
        Committee's, the restatement) says the same for every award of a run decided under
        the same rules: written once a run, for the first, and its words taken for the
        others (`SHARED`)."""
        env, ev = self.env, self.evaluator
        if not SHARED or env.award is None or env.locals:
            return self.written()
        written = ev.written
        if written is None:  # (a case of one award shares nothing)
            written = ev.written = {} if len(getattr(
                ev.case, ev.vocabulary.roles.decided, None) or ()) > 1 else _ALONE
        if written is _ALONE or not reads_no_item(ev.policy, env.rules, self.node):
            return self.written()
        key = (self.kind, id(self.node), id(env.rules), self.before, self.after)
        found = written.get(key)
        if found is None:
            found = written[key] = (self.node, env.rules, self.written())
        return {name: list(value) if type(value) is list else value
                for name, value in found[2].items()}

    def written(self) -> dict[str, Any]:
        if self.kind == "explained":
            return self.evaluator.explained(self.node, self.env)
        return {"because": self.words()}

    def __str__(self) -> str:
        return self.words()

    def __repr__(self) -> str:
        return repr(self.words())


def said(ev: Any, kind: str, node: "ast.Expr", env: "Env", before: str = "",
         after: str = "") -> Reason | str:
    """The record of a reason; in a run that gives no reasons, only the words around it (as
    an explanation without reasons says nothing)."""
    if not ev.reasons:
        return before + after
    return Reason(kind, node, env, ev, before, after)


def made(model: type, name: str, value: Any, **fields: Any) -> Any:
    """A model of the determination made with `fields`, and its field `name` (a reason, or
    a list of notes) holding `value`: where that is a recorded reason (or a list with some),
    the model is validated with the field empty, then given it, to be written when the
    determination is built (`rendered`) or the model first serialized."""
    if type(value) is Reason:
        fields[name] = ""
    elif type(value) is list and any(type(v) is Reason for v in value):
        fields[name], value = [], list(value)
    else:
        fields[name] = value
        return model._make(**fields)
    made = model._make(**fields)
    made.__dict__[name] = value
    return made


def write(model: "BaseModel") -> "BaseModel":
    """The model's own recorded reasons in words (`because`, a list of notes), in place: what
    it states stays as it was made (frozen), its words are filled in. Its models inside are
    written by their own `write`."""
    fields, written = model.__dict__, {}
    for name in model._reasons:
        value = fields[name]
        if type(value) is Reason:
            fields.update(value.fields())
        elif type(value) is list:
            for i, v in enumerate(value):
                if type(v) is Reason:
                    value[i] = written[id(v)] = v.words()
    private = model.__pydantic_private__
    for key, v in (private or {}).items():  # a note kept by the engine (`_decided_by`)
        if type(v) is Reason:
            private[key] = written.get(id(v)) or v.words()
    return model


def rendered(result: "AwardResult") -> "AwardResult":
    """An award's result with every reason in words, its conditions' and remedies' too."""
    for c in result.conditions:
        if type(c.because) is Reason:
            write(c)
    for r in result.remedies:
        if type(r.because) is Reason:
            write(r)
    return write(result)
