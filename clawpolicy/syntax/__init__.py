"""Syntax: the Lark parser, the AST and the lowering from one to the other."""
