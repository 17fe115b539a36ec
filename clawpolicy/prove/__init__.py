"""Proofs about policies with an SMT solver (z3, the `prove` extra): the determination
translated to SMT for cases of a bounded shape (docs/proofs.md), so that a claim about every
such case (a revision touches no one outside its sub-set; two policies agree) is proved, or
refuted with a counterexample case file. Nothing here decides a real case: evaluate/ does."""
