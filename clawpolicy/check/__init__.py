"""Static checking: names, facts and types, before any case is read."""
