"""Renderers: a Determination as JSON, or as a short memo in text or Markdown. They decide
nothing; the memo's content is built once (`memo.py`) and laid out twice."""
