"""The explainer finds a node's words by the node's exact class (`explain._EXPLAIN`,
`explain._DESCRIBE`), which is right only while no class of the syntax tree subclasses one
that has words: a subclass would be explained as a bare value, silently. So do the words
compiled once per policy (`wording._EXPLAIN`, `_DESCRIBE`, `_LABEL`)."""

import inspect

from clawpolicy.evaluate import explain, wording
from clawpolicy.syntax import ast


def test_no_class_of_the_syntax_tree_subclasses_one_the_explainer_has_words_for():
    classes = [c for _, c in inspect.getmembers(ast, inspect.isclass)
               if c.__module__ == ast.__name__]
    for table in (explain._EXPLAIN, explain._DESCRIBE, wording._EXPLAIN, wording._DESCRIBE,
                  wording._LABEL):
        for keyed in table:
            below = [c.__name__ for c in classes if c is not keyed and issubclass(c, keyed)]
            assert below == [], f"{', '.join(below)} subclass {keyed.__name__}: " \
                                "give each its words in explain.py's and wording.py's tables"
